// `npm run demo` (after scripts/demo.sh's steps 1-4): a 4-host MariaDB cluster on this machine (lab id 0,
// 198.18.0.0/24) configured the MMM way (test/demo/config.ts), a real mmm_agentd inside each host's network
// namespace and mmm_mond in the root namespace; waits until every host is ONLINE and leaves it running.
// Running it again while the demo is healthy only shows it; a broken or half-built one is rebuilt.
// `down` removes everything (the monitor by PID, then the lab) and reports what is left: nothing.
// `--failover` then runs a scripted failover under write load (test/demo/failover.ts).
import { spawn, execFile } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Secret } from '../../common/config/secret.js';
import { JsonClient } from '../../common/http/client.js';
import { AGENT_ROUTES } from '../../common/api/agent.js';
import { Lab, LAB_USERS, formatStatus } from '../lab/index.js';
import { allPids, cmdline, isAlive, signal, waitDead } from '../lab/proc.js';
import { DEMO_DIR, DEMO_HOSTS, DEMO_ID, MON_CONF, agentConf, writeDemoConfig } from './config.js';
import { runFailover, writerHost } from './failover.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MONITOR_JS = join(ROOT, 'dist/monitor/main.js');
const MON_LOG = join(DEMO_DIR, 'mmm_mond.log');
const CONTROL = [process.execPath, join(ROOT, 'dist/control/main.js'), '--config', MON_CONF];
const say = (line: string): void => {
  console.log(`demo: ${line}`);
};

async function waitAgent(lab: Lab, host: string, token: string): Promise<unknown> {
  const client = new JsonClient({
    name: `agent ${host}`,
    host: lab.host(host).ip,
    port: 9989,
    auth: { type: 'token', token: new Secret(token) },
    timeoutMs: 1000,
  });
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      try {
        return await client.get(AGENT_ROUTES.status.path);
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await sleep(200);
      }
    }
  } finally {
    client.close();
  }
}

const execFileP = promisify(execFile);

/** `mmm_control <args>`: its stdout, also when it exits non-zero (e.g. monitor not running yet). */
export async function control(...args: string[]): Promise<string> {
  const [cmd, ...rest] = CONTROL;
  try {
    const r = await execFileP(cmd ?? 'node', [...rest, ...args], { timeout: 10_000 });
    return r.stdout;
  } catch (e) {
    return (e as { stdout?: string }).stdout ?? '';
  }
}

const onlineCount = (show: string): number =>
  DEMO_HOSTS.filter((h) => new RegExp(`^ {2}${h}\\(.*/ONLINE\\.`, 'm').test(show)).length;

/** PIDs of the demo's mmm_mond: processes running dist/monitor/main.js with the demo's config (not by name). */
async function monitorPids(): Promise<number[]> {
  const found: number[] = [];
  for (const pid of await allPids()) {
    const cmd = await cmdline(pid);
    if (cmd.includes(MONITOR_JS) && cmd.includes(MON_CONF) && (await isAlive(pid))) found.push(pid);
  }
  return found;
}

/** SIGTERM (graceful: the monitor writes its status file), SIGKILL after 10 s; returns once they are dead. */
async function stopMonitor(): Promise<void> {
  const pids = await monitorPids();
  for (const pid of pids) signal(pid, 'SIGTERM');
  const left = await waitDead(pids, 10_000);
  for (const pid of left) signal(pid, 'SIGKILL');
  await waitDead(left, 3_000);
}

/** Polls `mmm_control show` until every host is ONLINE (60 s at most), printing progress. */
async function waitOnline(monitorPid: number): Promise<string> {
  const deadline = Date.now() + 60_000;
  let last = '';
  for (;;) {
    const show = await control('show');
    const line = `${String(onlineCount(show))}/${String(DEMO_HOSTS.length)} hosts ONLINE`;
    if (line !== last) say(`      ${line}`);
    last = line;
    if (onlineCount(show) === DEMO_HOSTS.length) return show;
    if (!(await isAlive(monitorPid))) {
      const tail = readFileSync(MON_LOG, 'utf8').trim().split('\n').slice(-5).join('\n');
      throw new Error(`mmm_mond exited; the end of ${MON_LOG}:\n${tail}`);
    }
    if (Date.now() > deadline) throw new Error(`hosts not ONLINE after 60 s; see ${MON_LOG}\n${show}`);
    await sleep(1000);
  }
}

/**
 * ONLINE is not yet open for writes: the monitor promotes the writer once the writer gate allows it. Waits
 * (30 s at most) until `show` names a writer and that host has read_only=0; returns the latest `show`.
 */
async function waitWriterOpen(lab: Lab, first: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  let show = first;
  for (;;) {
    const writer = writerHost(show);
    if (writer !== undefined) {
      const [row] = await lab.sql(writer, 'SELECT @@GLOBAL.read_only AS ro');
      if (Number(row?.['ro']) === 0) return show;
    }
    if (Date.now() > deadline) throw new Error(`the writer is not open for writes after 30 s; see ${MON_LOG}\n${show}`);
    await sleep(250);
    show = await control('show');
  }
}

/** The demo runs already when its monitor is alive and shows every host ONLINE. */
async function running(): Promise<string | undefined> {
  if ((await monitorPids()).length === 0) return undefined;
  const show = await control('show');
  return onlineCount(show) === DEMO_HOSTS.length ? show : undefined;
}

async function build(): Promise<string> {
  await stopMonitor();
  say('[5/7] lab: 4 MariaDB hosts in network namespaces (id 0, 198.18.0.0/24), db1<->db2 master-master,');
  say('      db3/db4 replicas of db1, semi-synchronous (deploy/mysql); MMM-format configuration in ' + DEMO_DIR);
  const lab = await Lab.up({
    id: DEMO_ID,
    hosts: DEMO_HOSTS.length,
    // what makes "no acknowledged write lost" hold on a crash (README Limits): asynchronous replication can
    // lose the writer's unsent tail, which --failover would report (and did, once, on a loaded CI machine)
    semiSync: true,
    progress: (l) => {
      say(`      ${l}`);
    },
  });
  const token = writeDemoConfig(lab);
  say('[6/7] agents: mmm_agentd inside each host namespace');
  for (const h of DEMO_HOSTS) {
    lab.spawn(h, [process.execPath, join(ROOT, 'dist/agent/main.js'), '--config', agentConf(h)], {
      logFile: join(DEMO_DIR, `${h}-agent.log`),
    });
  }
  for (const h of DEMO_HOSTS) {
    await waitAgent(lab, h, token);
    say(`      agent on ${h} (${lab.host(h).ip}:9989) answers`);
  }
  say('[7/7] monitor: mmm_mond in the root namespace; a first start finds every host AWAITING_RECOVERY');
  say('      (as MMM), auto_set_online 10 brings them ONLINE');
  const log = openSync(MON_LOG, 'a');
  const mon = spawn(process.execPath, [MONITOR_JS, '--config', MON_CONF], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  mon.unref();
  return waitOnline(mon.pid ?? 0);
}

function tryThis(lab: Lab): void {
  const lines = [
    `C="node dist/control/main.js --config ${MON_CONF}"   # mmm_control (or: npm link, then mmm_control)`,
    '$C show; $C checks all',
    '$C move_role writer db2                      # planned switchover',
    '$C set_offline db3; $C set_online db3        # maintenance',
    `ip netns exec mmm0-db3 mariadb -h ${lab.vip(0)} -u app -p${LAB_USERS.app.password} -e 'select @@hostname'   # via the writer VIP`,
    'npm run lab -- kill db1 --id 0; watch -n 0.5 $C show   # crash the writer, watch the failover',
    'npm run demo -- --failover                   # the same under write load: outage and lost writes',
    'npm run lab -- status --id 0                 # replication state of every host',
    `less ${DEMO_DIR}/mmm_mond.log                # JSON logs (agents: ${DEMO_DIR}/db1-agent.log ...)`,
    'npm run demo -- down                         # remove everything',
  ];
  console.log('');
  console.log('Try this:');
  for (const l of lines) console.log(`  ${l}`);
}

async function up(args: readonly string[]): Promise<void> {
  const failover = args.includes('--failover');
  const unknown = args.filter((a) => a !== '--failover');
  if (unknown.length > 0) throw new Error(`unknown argument '${unknown.join(' ')}' (expected --failover)`);
  let show = await running();
  if (show !== undefined) {
    say('[5-7/7] lab, agents and monitor already running (npm run demo -- down removes them)');
  } else {
    show = await build();
  }
  const lab = await Lab.attach(DEMO_ID, { lock: false });
  show = await waitWriterOpen(lab, show);
  console.log('');
  console.log('$ mmm_control show');
  console.log(show);
  for (const st of await lab.status()) console.log(formatStatus(st));
  if (failover) await runFailover(lab, { control, say });
  tryThis(lab);
}

async function down(): Promise<void> {
  say('stopping mmm_mond, agents and MariaDB servers; removing namespaces, bridge and state');
  await stopMonitor();
  const report = await Lab.down(DEMO_ID, { force: true });
  const leftovers = [
    ...(await Lab.leftovers(DEMO_ID)),
    ...(await monitorPids()).map((p) => `process ${String(p)}: mmm_mond`),
  ];
  say(`done in ${String(report.ms)} ms; leftovers: ${leftovers.length === 0 ? 'none' : leftovers.join(', ')}`);
  if (leftovers.length > 0) process.exitCode = 1;
}

const [cmd = 'up', ...rest] = process.argv.slice(2);
try {
  if (cmd === 'down' && rest.length === 0) await down();
  else if (cmd === 'up') await up(rest);
  else {
    console.error(`demo: unknown command '${[cmd, ...rest].join(' ')}' (expected: up [--failover], down)`);
    process.exitCode = 2;
  }
} catch (e) {
  console.error(`demo: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
process.exit();
