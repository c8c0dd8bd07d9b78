// Helpers of the deployment test (grants.test.ts): the accounts of deploy/grants.sql, the example configs
// of deploy/examples moved onto a lab, the identity and capabilities the systemd units give the daemons
// (setpriv), and one probe per privilege that says whether the statement needing it is allowed.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { LAB_USERS, type Lab } from '../../lab/index.js';
import { allPids, isAlive } from '../../lab/proc.js';

export const DEPLOY = resolve(import.meta.dirname, '../../../deploy');
/** The checkout (the daemons run from its sources with tsx). */
const REPO = resolve(import.meta.dirname, '../../..');

/** An unprivileged uid without a passwd entry, standing in for the units' User=mmm. */
export const DAEMON_UID = 64070;

/** The statements of one `-- BEGIN name` ... `-- END name` section of deploy/grants.sql, comments removed. */
export function grantsSection(name: string): string[] {
  const text = readFileSync(join(DEPLOY, 'grants.sql'), 'utf8');
  const start = text.indexOf(`-- BEGIN ${name}\n`);
  const end = text.indexOf(`-- END ${name}\n`);
  if (start < 0 || end < start) throw new Error(`grants.sql has no section '${name}'`);
  return text
    .slice(start, end)
    .split('\n')
    .filter((l) => !l.startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s !== '');
}

export interface Account {
  readonly user: string;
  readonly password: string;
  /** Global privileges (ON *.*), as written. */
  readonly privileges: readonly string[];
}

/** The accounts a section creates, with their password and global privileges. */
export function accounts(statements: readonly string[]): Map<string, Account> {
  const out = new Map<string, Account>();
  for (const s of statements) {
    const created = /^CREATE USER '([^']+)'@'[^']+' IDENTIFIED BY '([^']+)'$/.exec(s);
    if (created !== null)
      out.set(created[1] ?? '', { user: created[1] ?? '', password: created[2] ?? '', privileges: [] });
    const granted = /^GRANT (.+) ON \*\.\* TO '([^']+)'@'[^']+'$/.exec(s);
    if (granted !== null) {
      const a = out.get(granted[2] ?? '');
      if (a === undefined) throw new Error(`GRANT before CREATE USER: ${s}`);
      out.set(a.user, { ...a, privileges: (granted[1] ?? '').split(',').map((p) => p.trim()) });
    }
  }
  return out;
}

/** argv that runs `argv` as DAEMON_UID with exactly `caps` as ambient, inheritable and bounding set. */
export function asDaemonUser(caps: readonly string[], argv: readonly string[]): string[] {
  const set = ['-all', ...caps.map((c) => `+${c}`)].join(',');
  return [
    'setpriv',
    `--reuid=${DAEMON_UID}`,
    `--regid=${DAEMON_UID}`,
    '--clear-groups',
    `--inh-caps=${set}`,
    `--ambient-caps=${set}`,
    `--bounding-set=${set}`,
    '--no-new-privs',
    '--',
    ...argv,
  ];
}

/** bubblewrap, where installed: emulates the units' file-system sandbox without systemd as PID 1. */
export const BWRAP = ['/usr/bin/bwrap', '/bin/bwrap'].find((p) => existsSync(p));

/**
 * argv that runs `argv` in the units' file-system sandbox (bwrap): the whole tree read-only
 * (ProtectSystem=strict) except `stateDir` (StateDirectory), a private /tmp (PrivateTmp), a minimal /dev
 * (PrivateDevices), /home and /root empty (ProtectHome), its own PID namespace. Without bwrap, `argv` as it is.
 */
export function inUnitSandbox(stateDir: string, argv: readonly string[]): string[] {
  if (BWRAP === undefined) return [...argv];
  // /tmp, /home and /root are empty in the sandbox (as with the unit's PrivateTmp/ProtectHome): the state
  // directory is bound back in, and so is the checkout when it lives there (e.g. a CI clone in /root or /tmp).
  const hidden = (d: string): boolean => ['/tmp/', '/home/', '/root/'].some((p) => d.startsWith(p));
  const parentsOf = (path: string): string[] => {
    const out: string[] = [];
    for (let d = dirname(path); hidden(d); d = dirname(d)) out.unshift(d);
    return out;
  };
  const parents = [...new Set([...parentsOf(stateDir), ...(hidden(`${REPO}/`) ? parentsOf(REPO) : [])])].sort();
  const repo = hidden(`${REPO}/`) ? ['--ro-bind', REPO, REPO] : [];
  // prettier-ignore
  return [
    BWRAP,
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    '--perms', '1777', '--tmpfs', '/tmp',
    '--tmpfs', '/home',
    '--tmpfs', '/root',
    ...parents.flatMap((d) => ['--perms', '0755', '--dir', d]),
    ...repo,
    '--bind', stateDir, stateDir,
    // own PID namespace: killing bwrap kills the daemon too (setpriv's uid change clears --die-with-parent)
    '--unshare-pid',
    '--die-with-parent',
    '--',
    ...argv,
  ];
}

/**
 * An example config moved onto the lab: 192.0.2.1 (ping target) → the bridge, .11-.14 → db1..db4,
 * .100-.104 → lab VIPs 0..4; /etc/mysql-mmm and /var/lib/mysql-mmm → `dir`; the monitor port → `port`.
 */
export function onLab(text: string, lab: Lab, dir: string, port: number): string {
  return text
    .replace(/192\.0\.2\.(\d+)\b/g, (_, n: string) => {
      const i = Number(n);
      if (i === 0) return `${lab.bridgeIp.replace(/\.\d+$/, '')}.0`; // the comment naming the network
      if (i === 1) return lab.bridgeIp;
      if (i >= 11 && i <= 14) return lab.host(`db${String(i - 10)}`).ip;
      if (i >= 100 && i <= 104) return lab.vip(i - 100);
      throw new Error(`unexpected example address 192.0.2.${n}`);
    })
    .replaceAll('/etc/mysql-mmm/', `${dir}/`)
    .replaceAll('/var/lib/mysql-mmm/', `${dir}/`)
    .replace(/^(\s+port:) 9988$/m, `$1 ${String(port)}`);
}

export async function connectAs(lab: Lab, host: string, user: string, password: string): Promise<Connection> {
  return createConnection({ host: lab.host(host).ip, user, password, connectTimeout: 2000 });
}

async function appSession(lab: Lab, host: string): Promise<{ conn: Connection; id: number }> {
  const conn = await connectAs(lab, host, LAB_USERS.app.user, LAB_USERS.app.password);
  const [rows] = await conn.query('SELECT CONNECTION_ID() AS id');
  return { conn, id: Number((rows as { id: number }[])[0]?.id) };
}

type Probe = (lab: Lab, host: string, conn: Connection) => Promise<boolean>;

async function allowed(f: () => Promise<unknown>): Promise<boolean> {
  try {
    await f();
    return true;
  } catch (e) {
    const errno = (e as { errno?: number }).errno;
    // 1227: needs a privilege; 1095: not the owner of the thread
    if (errno === 1227 || errno === 1095) return false;
    throw e;
  }
}

/**
 * For each MariaDB privilege of the monitor and agent grants: does `conn`'s account run the statement the
 * daemon needs it for? Each probe is harmless where it is allowed (read_only=1 on a read-only replica,
 * START SLAVE on a running replica, KILL of a throw-away application session).
 */
export const MARIADB_PROBES: Readonly<Record<string, Probe>> = {
  'SLAVE MONITOR': async (_l, _h, c) => allowed(() => c.query('SHOW SLAVE STATUS')),
  'BINLOG MONITOR': async (_l, _h, c) => allowed(() => c.query('SHOW MASTER STATUS')),
  'READ_ONLY ADMIN': async (_l, _h, c) => allowed(() => c.query('SET GLOBAL read_only=1')),
  'REPLICATION SLAVE ADMIN': async (_l, _h, c) => allowed(() => c.query('START SLAVE')),
  'CONNECTION ADMIN': async (lab, host, c) => {
    const app = await appSession(lab, host);
    try {
      return await allowed(() => c.query(`KILL ${String(app.id)}`));
    } finally {
      app.conn.destroy();
    }
  },
  PROCESS: async (lab, host, c) => {
    const app = await appSession(lab, host);
    try {
      const [rows] = await c.query('SHOW FULL PROCESSLIST');
      return (rows as { Id: number }[]).some((r) => r.Id === app.id);
    } finally {
      app.conn.destroy();
    }
  },
};

/** The node process of the daemon started with `--config <config>` (under bwrap/setpriv it is a child). */
export async function daemonPid(config: string): Promise<number> {
  for (const pid of await allPids()) {
    const argv = (await readFile(`/proc/${String(pid)}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (argv[0] === process.execPath && argv.includes(config) && (await isAlive(pid))) return pid;
  }
  throw new Error(`no daemon process with --config ${config}`);
}

/** "uid U eff CAPEFF bnd CAPBND nnp N" of a process, from /proc/<pid>/status. */
export function identity(pid: number): string {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const field = (k: string): string => new RegExp(`^${k}:\\s*(\\S+)`, 'm').exec(status)?.[1] ?? '?';
  return `uid ${field('Uid')} eff ${field('CapEff')} bnd ${field('CapBnd')} nnp ${field('NoNewPrivs')}`;
}

/** ro/rw of the mounts at `points` as the process sees them (the last mount at a point is the visible one). */
export function mountOptions(pid: number, points: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(`/proc/${String(pid)}/mountinfo`, 'utf8').split('\n')) {
    const [, , , , point = '', options = ''] = line.split(' ');
    if (points.includes(point)) out[point] = options.split(',')[0] ?? '?';
  }
  return out;
}
