// Which hosts the shell should point at the writer now (issue 6: rejoin), and whether the writer's own link
// back to its peer should be restored (master-master), as a pure function of the model and fresh facts. A
// held-out host (errant transactions) is never touched; a host without fresh facts waits for them.
import type { Config } from '../../../common/config/types.js';
import type { ClusterModel } from '../types.js';
import type { FactsByHost, GtidFacts } from './facts.js';

export interface RejoinActions {
  /** Hosts to repoint to the writer by GTID. */
  readonly repoint: readonly string[];
  /** The writer's peer to point the writer back at (master-master), if due. */
  readonly backLink: string | undefined;
}

const NONE: RejoinActions = { repoint: [], backLink: undefined };

/** `writer` must be open (promoted); otherwise nothing is due. */
export function rejoinActions(
  config: Config,
  model: ClusterModel,
  facts: FactsByHost,
  writer: string | undefined,
): RejoinActions {
  if (writer === undefined || facts[writer] === undefined) return NONE;
  const repoint: string[] = [];
  for (const h of config.hosts) {
    if (h.name === writer) continue;
    const m = model.hosts[h.name];
    const f: GtidFacts | undefined = facts[h.name];
    if (m === undefined || f === undefined || m.heldOut !== undefined) continue;
    if (m.state === 'ADMIN_OFFLINE' || m.state === 'UNKNOWN') continue;
    if (f.replication?.sourceHost !== writer) repoint.push(h.name);
  }
  const peer = config.hosts.find((h) => h.name === writer)?.peer;
  const pf = peer === undefined ? undefined : facts[peer];
  const pm = peer === undefined ? undefined : model.hosts[peer];
  const wr = facts[writer].replication;
  const pr = pf?.replication ?? null;
  const peerFollows = pr !== null && pr.sourceHost === writer && pr.ioRunning === 'yes' && pr.sqlRunning;
  const writerLinked = wr !== null && wr.sourceHost === peer && wr.ioRunning !== 'no' && wr.sqlRunning;
  const backLink =
    peer !== undefined &&
    pm !== undefined &&
    pm.heldOut === undefined &&
    pm.state !== 'ADMIN_OFFLINE' &&
    pm.state !== 'HARD_OFFLINE' &&
    peerFollows &&
    !writerLinked
      ? peer
      : undefined;
  return { repoint, backLink };
}
