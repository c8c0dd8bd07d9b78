// YAML configs for running our daemons on a lab (the chaos harness, the live security test): one file per
// agent (`this: dbN`) and one for mmm_mond, all with the lab's hosts and roles from clusterYaml, token auth
// and fast checks. Hooks change single lines (other users or passwords) and add lines under a host or at the
// end, so a test can plant a wrong password or a kill_host_bin without writing a second config generator.
import { clusterYaml, type Lab } from '../lab/index.js';

export interface DaemonConfigOptions {
  readonly lab: Lab;
  /** Directory of the state files and the monitor's status file. */
  readonly dir: string;
  readonly writerIp: string;
  readonly readerIps: readonly string[];
  readonly apiPort: number;
  readonly token: string;
  readonly tick?: number;
  readonly agentTimeout?: number;
  readonly checkPeriod?: number;
  readonly trapPeriod?: number;
  readonly checkTimeout?: number;
  readonly maxBacklog?: number;
  readonly writerLease?: number;
  readonly debug?: boolean;
  /** Extra lines in the monitor's `monitor:` section (2-space indented there), e.g. `  kill_host_bin: /x`. */
  readonly monitorLines?: readonly string[];
  /** Exact lines of the cluster part replaced (trimmed match): [from, to]. */
  readonly replace?: readonly (readonly [string, string])[];
  /** Lines added under `  <host>:` for the monitor (key undefined) or one agent: (self) → host → lines. */
  readonly hostLines?: (self: string | undefined) => Readonly<Record<string, readonly string[]>>;
}

/** The config of the agent on `self`, or of the monitor when `self` is undefined. */
export function daemonConfig(self: string | undefined, o: DaemonConfigOptions): string {
  const lines = clusterYaml(o.lab, { stateDir: o.dir, writerIp: o.writerIp, readerIps: o.readerIps }).map((l) => {
    const r = o.replace?.find(([from]) => l.trim() === from);
    return r === undefined ? l : l.replace(r[0], r[1]);
  });
  for (const [host, extra] of Object.entries(o.hostLines?.(self) ?? {})) {
    const at = lines.indexOf(`  ${host}:`);
    if (at < 0) throw new Error(`daemonConfig: no host ${host}`);
    lines.splice(at + 1, 0, ...extra.map((l) => `    ${l}`));
  }
  return [
    'active_master_role: writer',
    `debug: ${o.debug === true ? 'true' : 'false'}`,
    `writer_lease: ${o.writerLease ?? 3}`,
    ...(self === undefined ? [] : [`this: ${self}`]),
    'socket:',
    '  type: token',
    `  token: ${o.token}`,
    ...(self === undefined
      ? [
          'monitor:',
          '  ip: 127.0.0.1',
          `  port: ${o.apiPort}`,
          `  status_path: ${o.dir}/mmm_mond.status`,
          `  ping_ips: [${o.lab.hosts.map((h) => h.ip).join(', ')}]`,
          `  tick: ${o.tick ?? 0.5}`,
          `  agent_timeout: ${o.agentTimeout ?? 1}`,
          ...(o.monitorLines ?? []),
        ]
      : []),
    'checks:',
    '  default:',
    `    check_period: ${o.checkPeriod ?? 0.5}`,
    `    trap_period: ${o.trapPeriod ?? 1}`,
    `    timeout: ${o.checkTimeout ?? 1}`,
    ...(o.maxBacklog === undefined ? [] : ['  rep_backlog:', `    max_backlog: ${o.maxBacklog}`]),
    ...lines,
    '',
  ].join('\n');
}
