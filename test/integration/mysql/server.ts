// Throw-away mariadbd servers on loopback for the dialect layer's integration tests (the full multi-host lab
// lives in test/lab/). Each server gets its own datadir (copied from a template built once per base dir with
// mariadb-install-db), its own free high port on 127.0.0.1 and a short socket path under /tmp (socket paths
// are limited to 108 bytes). Servers are stopped by PID: SIGCONT first (a SIGSTOPped server would not die
// cleanly otherwise), then SIGKILL; `stopAll()` belongs in afterAll, and an exit hook is the last resort.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { escape } from 'mysql2';
import { Secret } from '../../../common/config/secret.js';
import type { MysqlEndpoint } from '../../../common/mysql/connection.js';

const execFileP = promisify(execFile);
const MARIADBD = '/usr/sbin/mariadbd';

export interface Account {
  readonly user: string;
  readonly password: string;
}

/** Full rights over TCP from 127.0.0.1 (root@localhost does not match TCP connections here). */
export const ADMIN: Account = { user: 'mmm_admin', password: 'admin-pw' };
/** Replication account; the password is hostile on purpose: quotes, a backslash and a placeholder mark. */
export const REPL: Account = { user: 'repl', password: `r'e"p\\l?;--` };
/** No privileges at all (USAGE): for session limits and KILL tests. */
export const APP: Account = { user: 'app', password: 'app-pw' };

export interface MariadbServer {
  readonly serverId: number;
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  endpoint(account?: Account): MysqlEndpoint;
  /** SIGSTOP: the kernel still accepts TCP connections, but the server never answers. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** SIGCONT + SIGKILL, then wait for the process to be gone. Idempotent. */
  stop(): Promise<void>;
}

const live = new Map<number, ChildProcess>();
const baseDirs = new Set<string>();

process.on('exit', () => {
  for (const [pid] of live) {
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A fresh base directory with a short path; every server of a test file lives below it. */
export function makeBaseDir(): string {
  const dir = mkdtempSync('/tmp/mmmd-');
  baseDirs.add(dir);
  return dir;
}

function usersSql(): string {
  const create = (a: Account): string => `CREATE USER '${a.user}'@'127.0.0.1' IDENTIFIED BY ${escape(a.password)};`;
  return [
    // Bootstrap runs with grant tables off; FLUSH PRIVILEGES turns them on (lab-facts §2 pitfall).
    'FLUSH PRIVILEGES;',
    create(ADMIN),
    `GRANT ALL PRIVILEGES ON *.* TO '${ADMIN.user}'@'127.0.0.1' WITH GRANT OPTION;`,
    create(REPL),
    `GRANT REPLICATION SLAVE ON *.* TO '${REPL.user}'@'127.0.0.1';`,
    create(APP),
    '',
  ].join('\n');
}

const templates = new Map<string, Promise<string>>();

/** The template datadir below `base`, built once (concurrent callers share the build). */
function template(base: string): Promise<string> {
  let t = templates.get(base);
  if (t === undefined) {
    t = buildTemplate(base);
    templates.set(base, t);
  }
  return t;
}

async function buildTemplate(base: string): Promise<string> {
  const done = join(base, 'template');
  if (existsSync(done)) return done;
  const building = join(base, 'template.tmp');
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const extra = join(base, 'users.sql');
  writeFileSync(extra, usersSql());
  await execFileP(
    'mariadb-install-db',
    [
      '--no-defaults',
      `--datadir=${building}`,
      '--user=root',
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
      '--innodb-log-file-size=4M',
      '--innodb-buffer-pool-size=16M',
      `--extra-file=${extra}`,
      // own tmpdir: concurrent bootstraps in the shared /tmp collide on temporary table names (seen in CI)
      `--tmpdir=${base}`,
    ],
    { timeout: 60_000 },
  );
  renameSync(building, done); // atomic: a half-built template is never taken for a good one
  return done;
}

/** A port on 127.0.0.1 that nothing listened on a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}

function myCnf(dir: string, port: number, serverId: number): string {
  return `[mariadbd]
user=root
datadir=${dir}/data
socket=${dir}/mysqld.sock
pid-file=${dir}/mysqld.pid
log-error=${dir}/error.log
port=${port}
bind-address=127.0.0.1
skip-name-resolve=ON
report-host=127.0.0.1
server-id=${serverId}
log-bin=mysql-bin
log-slave-updates=ON
binlog-format=ROW
relay-log=relay-bin
gtid-strict-mode=OFF
slave-net-timeout=60
innodb-buffer-pool-size=16M
innodb-log-file-size=4M
innodb-log-buffer-size=2M
innodb-flush-log-at-trx-commit=2
innodb-doublewrite=0
sync-binlog=0
performance-schema=OFF
key-buffer-size=1M
aria-pagecache-buffer-size=1M
max-connections=30
table-open-cache=200
table-definition-cache=400
thread-cache-size=4
query-cache-size=0
[client]
socket=${dir}/mysqld.sock
user=root
`;
}

async function pingUntilUp(child: ChildProcess, dir: string, deadlineMs: number): Promise<void> {
  const cnf = join(dir, 'my.cnf');
  for (const end = Date.now() + deadlineMs; Date.now() < end;) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      await execFileP('mariadb-admin', [`--defaults-file=${cnf}`, '--connect-timeout=1', 'ping'], { timeout: 5000 });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  let log = '';
  try {
    log = readFileSync(join(dir, 'error.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    // no log yet
  }
  throw new Error(`mariadbd in ${dir} did not come up within ${deadlineMs} ms:\n${log}`);
}

/** Starts one server (server-id `serverId`) below `base`. */
export async function startMariadb(base: string, serverId: number): Promise<MariadbServer> {
  const data = await template(base);
  const dir = join(base, `s${serverId}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(data, join(dir, 'data'), { recursive: true });
  const port = await freePort();
  writeFileSync(join(dir, 'my.cnf'), myCnf(dir, port, serverId));
  const out = openSync(join(dir, 'stdout.log'), 'a');
  // --defaults-file must be the first argument, so /etc/mysql is not read.
  const child = spawn(MARIADBD, [`--defaults-file=${join(dir, 'my.cnf')}`], { stdio: ['ignore', out, out] });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error('mariadbd did not start');
  live.set(pid, child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (!live.has(pid)) return;
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    live.delete(pid);
  };
  try {
    await pingUntilUp(child, dir, 30_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    serverId,
    port,
    pid,
    dir,
    endpoint: (a: Account = ADMIN) => ({ host: '127.0.0.1', port, user: a.user, password: new Secret(a.password) }),
    pause: () => process.kill(pid, 'SIGSTOP'),
    resume: () => process.kill(pid, 'SIGCONT'),
    stop,
  };
}

/** Stops every server this module started (by PID) and removes the base directories. For afterAll. */
export async function stopAll(): Promise<void> {
  for (const [pid, child] of [...live]) {
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    if (child.exitCode === null && child.signalCode === null) {
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 10_000))]);
    }
    live.delete(pid);
  }
  for (const dir of baseDirs) {
    rmSync(dir, { recursive: true, force: true });
    templates.delete(dir);
  }
  baseDirs.clear();
}
