// deploy/mysql/mariadb.cnf: mariadbd accepts every line (an unknown or misspelt variable makes it exit 7),
// and a 4-host lab (id 71) started with the fragment's cluster-wide settings replicates, runs
// semi-synchronously and shows each value in SHOW GLOBAL VARIABLES.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Lab } from '../../lab/index.js';
import { DEPLOY } from './deployment.js';

const run = promisify(execFile);
const ID = 71;
const FRAGMENT = join(DEPLOY, 'mysql/mariadb.cnf');
/** Lines that differ per host: the lab sets them itself (server-id, report-host, offset 1 or 2). */
const PER_HOST = new Set(['server_id', 'report_host', 'auto_increment_offset']);

function settings(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync(FRAGMENT, 'utf8').split('\n')) {
    const m = /^([a-z_]+) = (\S+)$/.exec(line);
    if (m !== null) out.set(m[1] ?? '', m[2] ?? '');
  }
  return out;
}

/** How SHOW GLOBAL VARIABLES prints a value written in the fragment (log_bin names the file, shows ON). */
const shown = (k: string, v: string): string => (k === 'log_bin' ? 'ON' : v);

let lab: Lab | undefined;
afterAll(async () => {
  if (lab !== undefined) expect((await lab.down()).leftovers).toEqual([]);
}, 60_000);

describe('deploy/mysql/mariadb.cnf', () => {
  it('mariadbd accepts every line; a misspelt one is refused (the check can fail)', async () => {
    expect(settings().size).toBeGreaterThanOrEqual(15);
    const r = await run('mariadbd', ['--defaults-file=' + FRAGMENT, '--help', '--verbose'], { timeout: 30_000 });
    for (const [k, v] of settings()) {
      const row = new RegExp(`^${k.replaceAll('_', '-')}\\s+(\\S+)$`, 'm').exec(r.stdout)?.[1];
      expect([k, row === 'TRUE' ? 'ON' : row]).toEqual([k, v]);
    }
    const bad = join(tmpdir(), `mmm-bad-${String(process.pid)}.cnf`);
    writeFileSync(bad, readFileSync(FRAGMENT, 'utf8').replace('slave_net_timeout', 'slave_net_timout'));
    try {
      await expect(run('mariadbd', ['--defaults-file=' + bad, '--help', '--verbose'])).rejects.toMatchObject({
        code: 7,
        stderr: expect.stringContaining("unknown variable 'slave_net_timout=5'") as unknown,
      });
    } finally {
      rmSync(bad, { force: true });
    }
  });

  it('a lab started with it replicates semi-synchronously and shows every value', async () => {
    const cluster = Object.fromEntries([...settings()].filter(([k]) => !PER_HOST.has(k)));
    lab = await Lab.up({ id: ID, mysqld: cluster });
    await lab.sql('db1', "INSERT INTO app.t (v, src) VALUES ('semi-sync', 'db1')");
    await lab.sync();
    for (const h of ['db1', 'db2', 'db3', 'db4']) {
      for (const [k, v] of Object.entries(cluster)) {
        if (h === 'db1' && k === 'read_only') continue; // the lab opened its writer after start
        const [row] = await lab.sql(h, `SHOW GLOBAL VARIABLES LIKE '${k}'`);
        expect([h, k, row?.['Value']]).toEqual([h, k, shown(k, v)]);
      }
    }
    const [acked] = await lab.sql('db1', "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_yes_tx'");
    expect(Number(acked?.['Value'])).toBeGreaterThanOrEqual(1);
  });
});
