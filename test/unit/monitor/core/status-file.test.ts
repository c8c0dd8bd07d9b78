import { describe, expect, it } from 'vitest';
import { parseStatus, serializeStatus } from '../../../../monitor/core/status-file.js';
import { SEED_OWNERS, model, seedConfig } from './fixtures.js';

const cfg = seedConfig();

describe('status file (spec §8.1)', () => {
  it('writes host|STATE|sorted roles, one line per host, config order', () => {
    const m = model(cfg, { owners: SEED_OWNERS, hosts: { db4: { state: 'AWAITING_RECOVERY' } } });
    expect(
      serializeStatus({ ...m, roles: m.roles.map((r) => (r.owner === 'db4' ? { ...r, owner: undefined } : r)) }, cfg),
    ).toBe(
      'db1|ONLINE|reader(198.18.0.104),writer(198.18.0.100)\n' +
        'db2|ONLINE|reader(198.18.0.101)\n' +
        'db3|ONLINE|reader(198.18.0.102)\n' +
        'db4|AWAITING_RECOVERY|\n',
    );
  });

  it('writes UNKNOWN for a host missing from the model', () => {
    const m = model(cfg);
    const hosts = Object.fromEntries(Object.entries(m.hosts).filter(([n]) => n !== 'db2'));
    expect(serializeStatus({ ...m, hosts }, cfg).split('\n')[1]).toBe('db2|UNKNOWN|');
  });

  it('reads back what it wrote', () => {
    const m = model(cfg, { owners: SEED_OWNERS, hosts: { db3: { state: 'REPLICATION_DELAY' } } });
    const parsed = parseStatus(serializeStatus(m, cfg), cfg);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.hosts.get('db1')).toEqual({
      state: 'ONLINE',
      roles: [
        { role: 'reader', ip: '198.18.0.104' },
        { role: 'writer', ip: '198.18.0.100' },
      ],
    });
    expect(parsed.hosts.get('db3')?.state).toBe('REPLICATION_DELAY');
  });

  it('reads MMM files: hash order, no trailing field, CRLF, blank lines', () => {
    const parsed = parseStatus('db4|ONLINE|reader(198.18.0.104)\r\n\ndb2|AWAITING_RECOVERY\ndb1|HARD_OFFLINE|\n', cfg);
    expect(parsed.warnings).toEqual([]);
    expect([...parsed.hosts.keys()]).toEqual(['db4', 'db2', 'db1']);
    expect(parsed.hosts.get('db2')).toEqual({ state: 'AWAITING_RECOVERY', roles: [] });
  });

  it('skips what it cannot use, with a warning naming the line', () => {
    const parsed = parseStatus(
      [
        'db9|ONLINE|reader(198.18.0.101)',
        'garbage',
        '|ONLINE|',
        'db1|SLEEPING|writer(198.18.0.100)',
        'db2|ONLINE|reader,reader(),reader(198.18.0.101),(1.2.3.4)',
        'db3|ONLINE|reader(198.18.0.102)',
        'db3|HARD_OFFLINE|',
      ].join('\n'),
      cfg,
    );
    expect(parsed.warnings).toEqual([
      { line: 1, message: "Ignoring saved status information for unknown host 'db9'" },
      { line: 2, message: "Ignoring malformed status line 'garbage' (expected host|STATE|roles)" },
      { line: 3, message: "Ignoring malformed status line '|ONLINE|' (expected host|STATE|roles)" },
      { line: 4, message: "Ignoring unknown state 'SLEEPING' of host 'db1'" },
      { line: 5, message: "Ignoring malformed role 'reader' of host 'db2'" },
      { line: 5, message: "Ignoring malformed role 'reader()' of host 'db2'" },
      { line: 5, message: "Ignoring malformed role '(1.2.3.4)' of host 'db2'" },
    ]);
    expect(parsed.hosts.get('db1')).toEqual({ state: 'UNKNOWN', roles: [{ role: 'writer', ip: '198.18.0.100' }] });
    expect(parsed.hosts.get('db2')?.roles).toEqual([{ role: 'reader', ip: '198.18.0.101' }]);
    expect(parsed.hosts.get('db3')).toEqual({ state: 'HARD_OFFLINE', roles: [] });
  });
});
