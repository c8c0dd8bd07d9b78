// `mmm_control checks [<host>|all [<check>|all]]` (spec §1.3, §3.5) with MMM's exact padding:
// one host and one check → a single line without newline; one host → the four checks with the name padded
// to 11; all hosts → host names padded to the longest configured name. Hosts come in config order (MMM: hash
// order, which changed from one monitor process to the next).
import { CHECK_NAMES, type CheckName } from '../../../common/config/types.js';
import { hostModel } from '../model.js';
import type { Topology } from '../topology.js';
import type { CheckState, ClusterModel } from '../types.js';
import { formatMmmDate, type UtcOffset } from './date.js';

/** One row of the `checks` view, for --json. */
export interface CheckRow {
  readonly host: string;
  readonly check: CheckName;
  readonly state: CheckState;
  readonly lastChange: number;
  readonly message: string;
}

/** Rows for `host` ('all' or a configured name) and `check` ('all' or a check name), MMM's order. */
export function checkRows(model: ClusterModel, topo: Topology, host: string, check: CheckName | 'all'): CheckRow[] {
  const hosts = host === 'all' ? topo.hostNames : [host];
  const checks = check === 'all' ? CHECK_NAMES : [check];
  return hosts.flatMap((h) =>
    checks.map((c) => {
      const s = hostModel(model, h).checks[c];
      return { host: h, check: c, state: s.state, lastChange: s.lastChange, message: s.message };
    }),
  );
}

/** The exact text MMM's monitor answered to `checks` (arguments already validated). */
export function renderChecks(
  model: ClusterModel,
  topo: Topology,
  host: string,
  check: CheckName | 'all',
  offset: UtcOffset,
): string {
  const rows = checkRows(model, topo, host, check);
  const line = (r: CheckRow, hostText: string, checkText: string): string =>
    `${hostText}  ${checkText}  [last change: ${formatMmmDate(r.lastChange, offset)}]  ${r.message}`;
  const hostWidth = host === 'all' ? Math.max(0, ...topo.hostNames.map((h) => h.length)) : 0;
  const checkWidth = check === 'all' ? 11 : 0;
  const lines = rows.map((r) => line(r, r.host.padEnd(hostWidth), r.check.padEnd(checkWidth)));
  if (host !== 'all' && check !== 'all') return lines.join('');
  return lines.map((l) => `${l}\n`).join('');
}
