// `npm run demo`: a 4-host MariaDB cluster on this machine (lab id 0, 198.18.0.0/24), configured the MMM way
// (mmm_common.conf + per-host mmm_agent.conf, our token auth added), with a real mmm_agentd running inside
// each host's network namespace, and mmm_mond in the root namespace once the monitor daemon is built.
// `npm run demo -- down` removes everything. Running `up` twice rebuilds the cluster from scratch.
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Secret } from '../../common/config/secret.js';
import { JsonClient } from '../../common/http/client.js';
import { AGENT_ROUTES } from '../../common/api/agent.js';
import { Lab, LAB_USERS, formatStatus, labDir } from '../lab/index.js';

const ID = 0;
const HOSTS = ['db1', 'db2', 'db3', 'db4'] as const;
const ROOT = resolve(import.meta.dirname, '../..');
const DIR = join(labDir(ID), 'demo');
const TOKEN_FILE = join(DIR, 'token');
const MON_CONF = join(DIR, 'mmm_mon.conf');
const MON_PID = join(DIR, 'mmm_mond.pid');
const CONTROL = [process.execPath, join(ROOT, 'dist/control/main.js'), '--config', MON_CONF];
const say = (line: string): void => {
  console.log(`demo: ${line}`);
};

function commonConf(lab: Lab): string {
  const u = LAB_USERS;
  return [
    '# MMM 2.2.1 layout: two masters (db1, db2) and two slaves (db3, db4); one writer VIP, four reader VIPs.',
    'active_master_role      writer',
    '',
    '<socket>',
    '    type                token',
    `    token_file          ${TOKEN_FILE}`,
    '</socket>',
    '',
    '<host default>',
    '    cluster_interface   eth0',
    `    replication_user    ${u.repl.user}`,
    `    replication_password ${u.repl.password}`,
    `    agent_user          ${u.mmm_agent.user}`,
    `    agent_password      ${u.mmm_agent.password}`,
    `    monitor_user        ${u.mmm_monitor.user}`,
    `    monitor_password    ${u.mmm_monitor.password}`,
    '</host>',
    '',
    ...HOSTS.flatMap((h, i) => [
      `<host ${h}>`,
      `    ip                  ${lab.host(h).ip}`,
      `    mode                ${i < 2 ? 'master' : 'slave'}`,
      ...(i < 2 ? [`    peer                ${i === 0 ? 'db2' : 'db1'}`] : []),
      `    state_path          ${join(DIR, `${h}.state`)}`,
      '</host>',
      '',
    ]),
    '<role writer>',
    '    hosts               db1, db2',
    `    ips                 ${lab.vip(0)}`,
    '    mode                exclusive',
    '</role>',
    '',
    '<role reader>',
    `    hosts               ${HOSTS.join(', ')}`,
    `    ips                 ${[1, 2, 3, 4].map((i) => lab.vip(i)).join(', ')}`,
    '    mode                balanced',
    '</role>',
    '',
  ].join('\n');
}

function monConf(): string {
  return [
    'include mmm_common.conf',
    '',
    '<monitor>',
    '    ip                  127.0.0.1',
    '    port                9988',
    `    status_path         ${join(DIR, 'mmm_mond.status')}`,
    '    ping_ips            ' + HOSTS.map((_, i) => `198.18.${ID}.${11 + i}`).join(', '),
    '    auto_set_online     10',
    '</monitor>',
    '',
  ].join('\n');
}

function writeConfigs(lab: Lab): void {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true, mode: 0o700 });
  const token = `demo-${Date.now().toString(36)}-${process.pid.toString(36)}-token`;
  writeFileSync(TOKEN_FILE, `${token}\n`, { mode: 0o600 });
  writeFileSync(join(DIR, 'mmm_common.conf'), commonConf(lab), { mode: 0o600 });
  writeFileSync(join(DIR, 'mmm_mon.conf'), monConf(), { mode: 0o600 });
  for (const h of HOSTS) {
    writeFileSync(join(DIR, `mmm_agent_${h}.conf`), `include mmm_common.conf\nthis ${h}\n`, { mode: 0o600 });
  }
}

async function waitAgent(lab: Lab, host: string, token: string): Promise<unknown> {
  const client = new JsonClient({
    name: `agent ${host}`,
    host: lab.host(host).ip,
    port: 9989,
    auth: { type: 'token', token: new Secret(token) },
    timeoutMs: 1000,
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await client.get(AGENT_ROUTES.status.path);
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(200);
    }
  }
}

const execFileP = promisify(execFile);

async function control(...args: string[]): Promise<string> {
  const [cmd, ...rest] = CONTROL;
  try {
    const r = await execFileP(cmd!, [...rest, ...args], { timeout: 10_000 });
    return r.stdout;
  } catch (e) {
    return (e as { stdout?: string }).stdout ?? '';
  }
}

/** Polls `mmm_control show` until every host is ONLINE (60 s at most), printing progress. */
async function waitOnline(): Promise<string> {
  const deadline = Date.now() + 60_000;
  let last = '';
  for (;;) {
    const show = await control('show');
    const online = HOSTS.filter((h) => new RegExp(`^  ${h}\\(.*/ONLINE\\.`, 'm').test(show)).length;
    const line = `${online}/${HOSTS.length} hosts ONLINE`;
    if (line !== last) say(`      ${line}`);
    last = line;
    if (online === HOSTS.length) return show;
    if (Date.now() > deadline) throw new Error(`hosts not ONLINE after 60 s; see ${DIR}/mmm_mond.log\n${show}`);
    await sleep(1000);
  }
}

function stopMonitor(): void {
  if (!existsSync(MON_PID)) return;
  const pid = Number(readFileSync(MON_PID, 'utf8').trim());
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

async function up(): Promise<void> {
  stopMonitor();
  say('[1/4] creating the 4-host MariaDB lab (id 0, 198.18.0.0/24): db1<->db2 master-master, db3/db4 replicas of db1');
  const lab = await Lab.up({
    id: ID,
    hosts: HOSTS.length,
    progress: (l) => {
      say(`      ${l}`);
    },
  });
  say('[2/4] writing MMM-format configuration to ' + DIR);
  writeConfigs(lab);
  const token = readFileSync(TOKEN_FILE, 'utf8').trim();
  say('[3/4] starting mmm_agentd inside each host namespace');
  for (const h of HOSTS) {
    lab.spawn(h, [process.execPath, join(ROOT, 'dist/agent/main.js'), '--config', join(DIR, `mmm_agent_${h}.conf`)], {
      logFile: join(DIR, `${h}-agent.log`),
    });
  }
  for (const h of HOSTS) {
    await waitAgent(lab, h, token);
    say(`      agent on ${h} (${lab.host(h).ip}:9989) answers`);
  }
  say('[4/4] starting mmm_mond in the root namespace; first start finds every host AWAITING_RECOVERY (as MMM),');
  say('      auto_set_online 10 brings them ONLINE');
  const mon = spawn(process.execPath, [join(ROOT, 'dist/monitor/main.js'), '--config', MON_CONF], {
    detached: true,
    stdio: ['ignore', openSync(join(DIR, 'mmm_mond.log'), 'a'), openSync(join(DIR, 'mmm_mond.log'), 'a')],
  });
  mon.unref();
  writeFileSync(MON_PID, `${String(mon.pid)}\n`);
  const show = await waitOnline();
  console.log('');
  console.log('$ mmm_control show');
  console.log(show);
  console.log('');
  for (const st of await lab.status()) console.log(formatStatus(st));
  console.log('');
  console.log('Try this:');
  console.log(`  node dist/control/main.js --config ${MON_CONF} show    # (mmm_control after npm link)`);
  console.log(`  node dist/control/main.js --config ${MON_CONF} move_role writer db2`);
  console.log(`  node dist/control/main.js --config ${MON_CONF} set_offline db3`);
  console.log('  npm run lab -- status --id 0                      # replication state of every host');
  console.log(
    `  ip netns exec mmm0-db3 mariadb -h ${lab.host('db1').ip} -u app -p${LAB_USERS.app.password} app -e 'select @@hostname'`,
  );
  console.log("  npm run lab -- kill db1 --id 0                    # crash db1's mysqld (fault injection)");
  console.log(`  cat ${DIR}/db1-agent.log   # agent log (JSON)`);
  console.log('  npm run demo -- down                              # remove everything');
}

async function down(): Promise<void> {
  say('stopping mmm_mond, agents and MariaDB servers, removing namespaces, bridge and state');
  stopMonitor();
  const report = await Lab.down(ID, { force: true });
  say(`done in ${report.ms} ms; leftovers: ${report.leftovers.length === 0 ? 'none' : report.leftovers.join(', ')}`);
}

const cmd = process.argv[2] ?? 'up';
try {
  if (cmd === 'down') await down();
  else if (cmd === 'up') await up();
  else {
    console.error(`demo: unknown command '${cmd}' (expected: up, down)`);
    process.exitCode = 2;
  }
} catch (e) {
  console.error(`demo: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
process.exit();
