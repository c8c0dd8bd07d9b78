// mmm_control as a real process against a live mmm_mond (child process) with agents in the namespaces of a
// 4-host MariaDB lab (id 50): the seed scenario with `show` exact, set_offline/set_online, move_role writer
// there and back, mode/set_passive/set_ip/set_active, checks all, --json, refusals, a hung monitor (read
// timeout), an address that drops SYNs (connect timeout), and the monitor stopped (exit 3).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTS, MonitorLab, until, type Host } from '../monitor/daemon-lab.js';

const CANT_CONNECT = "ERROR: Can't connect to monitor daemon!\n";

let m: MonitorLab;

beforeAll(async () => {
  m = await MonitorLab.up({ id: 50, apiPort: 19950 });
  await m.startMonitor();
}, 180_000);

afterAll(async () => {
  expect(await m.down()).toEqual([]);
}, 120_000);

/** `show` built from what is really bound on the hosts (ip addr), in MMM's format. */
async function showFromVips(states: Partial<Record<Host, string>> = {}): Promise<string> {
  const lines = await Promise.all(
    HOSTS.map(async (h, i) => {
      const roles = [...(await m.vipsOn(h))]
        .map((ip) => (ip === m.writerIp ? `writer(${ip})` : `reader(${ip})`))
        .sort();
      return `  ${h}(${m.lab.host(h).ip}) ${i < 2 ? 'master' : 'slave'}/${states[h] ?? 'ONLINE'}. Roles: ${roles.join(', ')}\n`;
    }),
  );
  return `${lines.join('')}\n`;
}

async function writerOn(h: Host): Promise<true | undefined> {
  const ro = await m.lab.sql(h, 'SELECT @@GLOBAL.read_only AS ro');
  return (await m.vipsOn(h)).has(m.writerIp) && Number(ro[0]?.['ro']) === 0 ? true : undefined;
}

describe('mmm_control against mmm_mond on a lab', () => {
  it('seed scenario: set_online every host, then all ONLINE, db1 writer+reader, one reader elsewhere; show exact', async () => {
    for (const h of HOSTS) {
      const r = await until(`set_online ${h}`, async () => {
        const res = await m.control('set_online', h);
        return res.code === 0 ? res : undefined;
      });
      expect(r.stdout).toBe(
        `OK: State of '${h}' changed to ONLINE. Now you can wait some time and check its new roles!\n`,
      );
    }
    await until('MMM layout bound', async () => {
      const vips = await Promise.all(HOSTS.map(async (h) => m.vipsOn(h)));
      const readers = vips.map((v) => [...v].filter((ip) => m.readerIps.includes(ip)).length);
      return vips[0]?.has(m.writerIp) === true && readers.every((n) => n === 1) ? true : undefined;
    });
    const again = await m.control('set_online', 'db1');
    expect(again).toMatchObject({ code: 0, stdout: 'OK: This host is already ONLINE. Skipping command.\n' });
    const show = await m.control('show');
    expect(show).toMatchObject({ code: 0, stderr: '' });
    expect(show.stdout).toBe(await showFromVips());
    expect(show.stdout).toMatch(/^ {2}db1\(\S+\) master\/ONLINE\. Roles: reader\(\S+\), writer\(\S+\)\n/);
    expect(await m.control('mode')).toMatchObject({ code: 0, stdout: 'ACTIVE\n' });
    expect(await m.control('ping')).toMatchObject({ code: 0, stdout: 'OK: Pinged successfully!\n' });
  });

  it('checks all: 16 lines in MMM format with padding, then the blank line', async () => {
    const r = await m.control('checks', 'all');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(-2)).toEqual(['', '']);
    const body = lines.slice(0, -2);
    expect(body).toHaveLength(16);
    const date = String.raw`\[last change: \d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}\]`;
    for (const [i, h] of HOSTS.entries()) {
      expect(body[i * 4]).toMatch(new RegExp(`^${h} {2}ping {9}${date} {2}OK`));
      expect(body[i * 4 + 1]).toMatch(new RegExp(`^${h} {2}mysql {8}${date} {2}OK`));
      expect(body[i * 4 + 2]).toMatch(new RegExp(`^${h} {2}rep_threads {2}${date} {2}OK`));
      expect(body[i * 4 + 3]).toMatch(new RegExp(`^${h} {2}rep_backlog {2}${date} {2}OK`));
    }
    const json = JSON.parse((await m.control('--json', 'checks', 'db3', 'rep_threads')).stdout) as {
      data: { checks: { host: string; check: string; state: string; lastChange: number }[] };
    };
    expect(json.data.checks).toHaveLength(1);
    expect(json.data.checks[0]).toMatchObject({ host: 'db3', check: 'rep_threads', state: 'ok' });
    expect(json.data.checks[0]?.lastChange).toBeGreaterThan(Date.UTC(2020, 0, 1));
  });

  it('set_offline db3 moves its reader away and stops its replication; set_online db3 brings it back', async () => {
    const [reader] = await m.readersOn('db3');
    const off = await m.control('set_offline', 'db3');
    expect(off).toMatchObject({
      code: 0,
      stdout: "OK: State of 'db3' changed to ADMIN_OFFLINE. Now you can wait some time and check all roles!\n",
    });
    await until('db3 reader moved', async () => {
      if ((await m.readersOn('db3')).length > 0) return undefined;
      const others = await Promise.all((['db1', 'db2', 'db4'] as const).map(async (h) => m.vipsOn(h)));
      return others.some((v) => v.has(reader ?? '')) ? true : undefined;
    });
    await until('db3 replication stopped', async () => {
      const rows = await m.lab.sql('db3', 'SHOW SLAVE STATUS');
      return rows[0]?.['Slave_SQL_Running'] === 'No' ? true : undefined;
    });
    expect((await m.control('show')).stdout).toBe(await showFromVips({ db3: 'ADMIN_OFFLINE' }));
    expect((await m.control('set_offline', 'db3')).stdout).toBe(
      'OK: This host is already ADMIN_OFFLINE. Skipping command.\n',
    );
    const on = await m.control('set_online', 'db3');
    expect(on).toMatchObject({
      code: 0,
      stdout: "OK: State of 'db3' changed to ONLINE. Now you can wait some time and check its new roles!\n",
    });
    await until('db3 has a reader again', async () => ((await m.readersOn('db3')).length === 1 ? true : undefined));
    await until('db3 replicating', async () => {
      const rows = await m.lab.sql('db3', 'SHOW SLAVE STATUS');
      return rows[0]?.['Slave_SQL_Running'] === 'Yes' ? true : undefined;
    });
  });

  it('move_role writer db2 and back: VIP and read_only follow; refusals with exit 1 and 2', async () => {
    expect(await m.control('move_role', 'writer', 'db3')).toMatchObject({
      code: 1,
      stdout: "ERROR: Host 'db3' can't handle role 'writer'. Only following hosts could: db1, db2\n",
    });
    expect(await m.control('move_role', 'writer', 'db9')).toMatchObject({
      code: 1,
      stdout: "ERROR: Unknown host name 'db9'!\n",
    });
    expect(await m.control('move_role', 'writer', 'db1')).toMatchObject({
      code: 0,
      stdout: "OK: Role is on 'db1' already. Skipping command.\n",
    });
    const bogus = await m.control('bogus');
    expect(bogus.code).toBe(2);
    expect(bogus.stdout).toMatch(/^Invalid command 'bogus'\n\nValid commands are:\n {4}help /);
    expect(await m.control('move_role', 'writer', 'db2')).toMatchObject({
      code: 0,
      stdout:
        "OK: Role 'writer' has been moved from 'db1' to 'db2'. Now you can wait some time and check new roles info!\n",
    });
    await until('writer on db2', async () => writerOn('db2'));
    expect((await m.vipsOn('db1')).has(m.writerIp)).toBe(false);
    expect(Number((await m.lab.sql('db1', 'SELECT @@GLOBAL.read_only AS ro'))[0]?.['ro'])).toBe(1);
    expect((await m.control('show')).stdout).toBe(await showFromVips());
    expect(await m.control('move_role', 'writer', 'db1')).toMatchObject({
      code: 0,
      stdout:
        "OK: Role 'writer' has been moved from 'db2' to 'db1'. Now you can wait some time and check new roles info!\n",
    });
    await until('writer back on db1', async () => writerOn('db1'));
  });

  it('set_passive, set_ip (nothing sent), set_active (then it is applied), mode', async () => {
    expect(await m.control('set_ip', m.writerIp, 'db2')).toMatchObject({
      code: 1,
      stdout: 'ERROR: This command is only allowed in passive mode\n',
    });
    expect(await m.control('set_passive')).toMatchObject({ code: 0, stdout: 'OK: Switched into passive mode.\n' });
    expect(await m.control('mode')).toMatchObject({ code: 0, stdout: 'PASSIVE\n' });
    const banner = await m.control('show');
    expect(banner.stdout).toMatch(
      /^# --- Monitor is in PASSIVE MODE ---\n# Cause: Admin switched to passive mode\.\n {2}db1\(/,
    );
    expect(await m.control('set_ip', m.writerIp, 'db2')).toMatchObject({
      code: 0,
      stdout: `OK: Set role 'writer(${m.writerIp})' to host 'db2'.\n`,
    });
    expect((await m.control('show')).stdout).toMatch(/^ {2}db2\(\S+\) master\/ONLINE\. Roles: .*writer\(/m);
    // Longer than writer_lease (3 s): in PASSIVE nothing reaches the agents, all of them lose the monitor at
    // once, and the writer's peer check keeps it open (as when the monitor is stopped).
    await sleep(4000);
    expect((await m.vipsOn('db1')).has(m.writerIp)).toBe(true);
    expect((await m.vipsOn('db2')).has(m.writerIp)).toBe(false);
    expect(await m.control('set_active')).toMatchObject({ code: 0, stdout: 'OK: Switched into active mode.\n' });
    await until('writer on db2 after set_active', async () => writerOn('db2'));
    expect((await m.vipsOn('db1')).has(m.writerIp)).toBe(false);
    expect(await m.control('mode')).toMatchObject({ code: 0, stdout: 'ACTIVE\n' });
    expect((await m.control('set_active')).stdout).toBe('OK: Already in active mode.\n');
    const json = JSON.parse((await m.control('--json', 'show')).stdout) as {
      exitCode: number;
      data: { mode: string; hosts: { name: string; state: string; roles: string[] }[] };
    };
    expect(json.exitCode).toBe(0);
    expect(json.data.mode).toBe('ACTIVE');
    expect(json.data.hosts.find((h) => h.name === 'db2')?.roles).toContain(`writer(${m.writerIp})`);
  });

  it('a hung monitor (SIGSTOP): the read timeout ends mmm_control with exit 3', async () => {
    const pid = m.monitorPid;
    expect(pid).toBeDefined();
    process.kill(pid ?? 0, 'SIGSTOP');
    try {
      const r = await m.control('--timeout', '2', 'show');
      expect(r).toMatchObject({ code: 3, stdout: 'ERROR: The monitor daemon did not answer within 2 s!\n' });
      expect(r.stderr).toMatch(/no answer within 2000 ms/);
      expect(r.ms).toBeLessThan(30_000);
    } finally {
      process.kill(pid ?? 0, 'SIGCONT');
    }
    expect((await m.control('ping')).code).toBe(0);
  });

  it('an address that drops SYNs: the connect timeout gives the connect error and exit 3 quickly', async () => {
    // db4's address with every packet dropped in its namespace: connecting hangs, as to a dead host.
    const cfg = join(m.dir, 'unreachable.yaml');
    writeFileSync(cfg, m.configText().replace('  ip: 127.0.0.1', `  ip: ${m.lab.host('db4').ip}`), { mode: 0o600 });
    await m.lab.drop('db4');
    try {
      const r = await m.control('--config', cfg, '--connect-timeout', '1', '--timeout', '60', 'ping');
      expect(r).toMatchObject({ code: 3, stdout: CANT_CONNECT });
      expect(r.stderr).toMatch(/could not connect within 1000 ms/);
      expect(r.ms).toBeLessThan(30_000);
    } finally {
      await m.lab.undrop('db4');
    }
  });

  it("monitor stopped: ERROR: Can't connect to monitor daemon! and exit 3", async () => {
    expect(await m.stopMonitor('SIGTERM')).toBe(0);
    for (const argv of [['show'], ['ping'], ['help'], ['--json', 'mode']]) {
      const r = await m.control(...argv);
      expect(r.code, argv.join(' ')).toBe(3);
      if (argv[0] === '--json') {
        expect(JSON.parse(r.stdout)).toEqual({ ok: false, exitCode: 3, text: CANT_CONNECT.trim(), data: null });
      } else {
        expect(r.stdout).toBe(CANT_CONNECT);
      }
      expect(r.stderr).toMatch(/ECONNREFUSED/);
    }
  });
});
