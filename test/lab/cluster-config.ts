// What tests that run our daemons on a lab need besides the lab itself: the `hosts:`/`roles:` part of a YAML
// config describing the lab (classic MMM layout: db1/db2 masters and peers, the rest slaves; one exclusive
// writer role on the masters, one balanced reader role on all hosts), and the VIPs really bound on a host.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Lab } from './lab.js';
import { LAB_USERS } from './users.js';

const run = promisify(execFile);

export interface ClusterYamlOptions {
  /** Directory for each agent's state file (`<dir>/<host>.state`). */
  readonly stateDir: string;
  readonly writerIp: string;
  readonly readerIps: readonly string[];
}

/** YAML lines of the `hosts:` and `roles:` sections for every host of the lab. */
export function clusterYaml(lab: Lab, o: ClusterYamlOptions): string[] {
  const names = lab.hosts.map((h) => h.name);
  return [
    'hosts:',
    '  default:',
    '    cluster_interface: eth0',
    `    agent_user: ${LAB_USERS.mmm_agent.user}`,
    `    agent_password: ${LAB_USERS.mmm_agent.password}`,
    `    monitor_user: ${LAB_USERS.mmm_monitor.user}`,
    `    monitor_password: ${LAB_USERS.mmm_monitor.password}`,
    `    replication_user: ${LAB_USERS.repl.user}`,
    `    replication_password: ${LAB_USERS.repl.password}`,
    ...names.flatMap((h, i) => [
      `  ${h}:`,
      `    ip: ${lab.host(h).ip}`,
      `    mode: ${i < 2 ? 'master' : 'slave'}`,
      ...(i < 2 ? [`    peer: ${i === 0 ? names[1] : names[0]}`] : []),
      `    state_path: ${o.stateDir}/${h}.state`,
    ]),
    'roles:',
    '  writer:',
    '    mode: exclusive',
    `    hosts: [${names.slice(0, 2).join(', ')}]`,
    `    ips: [${o.writerIp}]`,
    '  reader:',
    '    mode: balanced',
    `    hosts: [${names.join(', ')}]`,
    `    ips: [${o.readerIps.join(', ')}]`,
  ];
}

/** The /32 addresses (VIPs) bound on the host's eth0 right now. */
export async function boundVips(lab: Lab, host: string): Promise<Set<string>> {
  const { stdout } = await run('ip', ['-n', lab.host(host).ns, '-o', '-4', 'addr', 'show', 'dev', 'eth0']);
  return new Set([...stdout.matchAll(/inet (\S+)\/32/g)].map((m) => m[1] ?? ''));
}
