import { describe, expect, it } from 'vitest';
import {
  assertSupported,
  describeVersion,
  detectServerVersion,
  parseServerVersion,
  versionAtLeast,
} from '../../../../common/mysql/flavor.js';
import type { Queryable } from '../../../../common/mysql/connection.js';
import type { Query, Row, Statement } from '../../../../common/mysql/statement.js';

describe('parseServerVersion', () => {
  it.each([
    ['10.11.19-MariaDB-0+deb12u1-log', 'Debian 12', 'mariadb', [10, 11, 19]],
    ['11.4.2-MariaDB', 'mariadb.org binary distribution', 'mariadb', [11, 4, 2]],
    ['5.5.5-10.6.16-MariaDB', '', 'mariadb', [10, 6, 16]],
    ['10.5.23-MariaDB-log', '', 'mariadb', [10, 5, 23]],
    ['8.0.36', 'MySQL Community Server - GPL', 'mysql', [8, 0, 36]],
    ['8.4.0-log', 'MySQL Community Server - GPL', 'mysql', [8, 4, 0]],
    ['9.1.0', 'MySQL Community Server - GPL', 'mysql', [9, 1, 0]],
    ['5.7.44-log', 'MySQL Community Server (GPL)', 'mysql', [5, 7, 44]],
    ['8.0.36-28', 'Percona Server (GPL), Release 28, Revision 47601f19', 'mysql', [8, 0, 36]],
    ['10.6.12-8-MariaDB-enterprise', '', 'mariadb', [10, 6, 12]],
  ] as const)('%s (%s)', (version, comment, flavor, [major, minor, patch]) => {
    expect(parseServerVersion(version, comment)).toEqual({ flavor, major, minor, patch, raw: version, comment });
  });

  it('takes the flavor from the comment when the version does not say', () => {
    expect(parseServerVersion('10.11.6', 'MariaDB Server').flavor).toBe('mariadb');
  });

  it('refuses what it cannot read, naming the value', () => {
    expect(() => parseServerVersion('garbage')).toThrow(
      'cannot parse server version "garbage": expected it to start with MAJOR.MINOR.PATCH',
    );
  });
});

describe('version checks', () => {
  const v = parseServerVersion('8.0.22');
  it('compares major, minor, patch', () => {
    expect(versionAtLeast(v, 8, 0, 22)).toBe(true);
    expect(versionAtLeast(v, 8, 0, 23)).toBe(false);
    expect(versionAtLeast(v, 8)).toBe(true);
    expect(versionAtLeast(v, 7, 9, 99)).toBe(true);
    expect(versionAtLeast(v, 8, 1)).toBe(false);
  });

  it('refuses servers too old for GTID waits', () => {
    expect(() => {
      assertSupported(parseServerVersion('5.6.51'));
    }).toThrow('MySQL 5.6.51 is not supported: MySQL 5.7.5 or newer is required');
    expect(() => {
      assertSupported(parseServerVersion('10.0.8-MariaDB'));
    }).toThrow(/MariaDB 10\.0\.9 or newer/);
    expect(() => {
      assertSupported(parseServerVersion('10.11.19-MariaDB'));
    }).not.toThrow();
    expect(describeVersion(parseServerVersion('10.11.19-MariaDB-log'))).toBe('MariaDB 10.11.19');
  });
});

describe('detectServerVersion', () => {
  function fake(rows: Row[]): Queryable & { seen: string[] } {
    const seen: string[] = [];
    return {
      seen,
      query: (s: Statement) => {
        seen.push(s.sql);
        return Promise.resolve(rows);
      },
      run: <T>(q: Query<T>) => Promise.resolve(q.parse(rows)),
    };
  }

  it('runs SELECT @@version, @@version_comment', async () => {
    const q = fake([{ version: '10.11.19-MariaDB-0+deb12u1-log', version_comment: 'Debian 12' }]);
    await expect(detectServerVersion(q)).resolves.toMatchObject({ flavor: 'mariadb', major: 10, minor: 11 });
    expect(q.seen).toEqual(['SELECT @@version AS version, @@version_comment AS version_comment']);
  });

  it('fails clearly on an empty answer', async () => {
    await expect(detectServerVersion(fake([]))).rejects.toThrow('SELECT @@version returned no version string');
  });
});
