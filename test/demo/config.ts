// The demo cluster's configuration, written the MMM way (mmm_common.conf + per-host mmm_agent_<host>.conf +
// mmm_mon.conf, our token auth added) so an MMM veteran can read it as is.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_USERS, labDir, type Lab } from '../lab/index.js';

export const DEMO_ID = 0;
export const DEMO_HOSTS = ['db1', 'db2', 'db3', 'db4'] as const;
export const DEMO_DIR = join(labDir(DEMO_ID), 'demo');
export const TOKEN_FILE = join(DEMO_DIR, 'token');
export const MON_CONF = join(DEMO_DIR, 'mmm_mon.conf');
export const agentConf = (host: string): string => join(DEMO_DIR, `mmm_agent_${host}.conf`);

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
    ...DEMO_HOSTS.flatMap((h, i) => [
      `<host ${h}>`,
      `    ip                  ${lab.host(h).ip}`,
      `    mode                ${i < 2 ? 'master' : 'slave'}`,
      ...(i < 2 ? [`    peer                ${i === 0 ? 'db2' : 'db1'}`] : []),
      `    state_path          ${join(DEMO_DIR, `${h}.state`)}`,
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
    `    hosts               ${DEMO_HOSTS.join(', ')}`,
    `    ips                 ${[1, 2, 3, 4].map((i) => lab.vip(i)).join(', ')}`,
    '    mode                balanced',
    '</role>',
    '',
  ].join('\n');
}

function monConf(lab: Lab): string {
  return [
    'include mmm_common.conf',
    '',
    '<monitor>',
    '    ip                  127.0.0.1',
    '    port                9988',
    `    status_path         ${join(DEMO_DIR, 'mmm_mond.status')}`,
    `    ping_ips            ${DEMO_HOSTS.map((h) => lab.host(h).ip).join(', ')}`,
    '    auto_set_online     10',
    '</monitor>',
    '',
  ].join('\n');
}

/** Writes the configuration (and a fresh token) into DEMO_DIR; returns the token. */
export function writeDemoConfig(lab: Lab): string {
  rmSync(DEMO_DIR, { recursive: true, force: true });
  mkdirSync(DEMO_DIR, { recursive: true, mode: 0o700 });
  const token = `demo-${Date.now().toString(36)}-${process.pid.toString(36)}-token`;
  writeFileSync(TOKEN_FILE, `${token}\n`, { mode: 0o600 });
  writeFileSync(join(DEMO_DIR, 'mmm_common.conf'), commonConf(lab), { mode: 0o600 });
  writeFileSync(MON_CONF, monConf(lab), { mode: 0o600 });
  for (const h of DEMO_HOSTS) writeFileSync(agentConf(h), `include mmm_common.conf\nthis ${h}\n`, { mode: 0o600 });
  return token;
}
