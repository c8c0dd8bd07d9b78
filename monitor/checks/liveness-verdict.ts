// Is a host that the monitor cannot reach really down? Its replicas tell (issue 6, ARCHITECTURE §2.1). Pure:
// samples and times come in as arguments.
//
// The monitor keeps, per replica, a small history of what its liveness probe read (IO thread state, last IO
// errno, received position / Gtid_IO_Pos / retrieved set, and the received-heartbeat counter). While the
// monitor fails to reach a source host (since F, the start of its first failing run of the current spell),
// each replica of that source is classified:
//
//   receiving   IO Yes and progress seen after F (position or heartbeat counter moved between two samples
//               both taken at or after F), and not silent since for more than 2 × the heartbeat period: the
//               source is alive and talks to this replica.
//   lost        IO not Yes with a connection errno (2002, 2003, 2006, 2013, 1158-1161), or Connecting with no
//               error yet (a reconnect after slave_net_timeout), lost at most LOST_LOOKBACK_MS before F.
//   stalled     IO Yes but nothing at all received for more than 2 × the heartbeat period (a hung or cut-off
//               source keeps the TCP session up; replicas say Yes until slave_net_timeout).
//   waiting     IO Yes, no progress since F yet, not silent long enough to call it stalled (or no heartbeat
//               configured, so silence proves nothing): it may still prove the source alive.
//   stale       the monitor has no recent sample of this replica (it cannot reach the replica either).
//   no-evidence stopped by an operator, another error (1045, 1236, ...), or lost long before F.
//
// Verdict for the source:
//   alive                  the monitor itself reaches it (no failing spell);
//   reachable-by-replicas  some replica is receiving: the monitor alone is cut off, do not report the failure;
//   dead                   at least one replica lost or stalled, and none receiving or waiting: the failure
//                          is reported at once, without trap_period;
//   unknown                anything else (no replicas, replicas unreachable, still waiting): MMM's trap.
import type { IoThreadState } from '../../common/mysql/replica-status.js';

export type LivenessVerdict = 'alive' | 'dead' | 'reachable-by-replicas' | 'unknown';
export const LIVENESS_VERDICTS: readonly LivenessVerdict[] = ['alive', 'dead', 'reachable-by-replicas', 'unknown'];

export type ReplicaView = 'receiving' | 'lost' | 'stalled' | 'waiting' | 'stale' | 'no-evidence';

/** Client-side and server-side errnos that mean "the connection to the source is gone or cannot be made". */
export const CONNECTION_ERRNOS: ReadonlySet<number> = new Set([1158, 1159, 1160, 1161, 2002, 2003, 2005, 2006, 2013]);

/** A replica's loss of its source counts as evidence when it happened at most this long before F. */
export const LOST_LOOKBACK_MS = 5000;

/** What one liveness probe read on a replica. */
export interface ReplicaSample {
  /** Epoch ms the probe was sent: what it read was read at or after this. */
  readonly at: number;
  /** Epoch ms the probe answered: what it read was read at or before this. */
  readonly answeredAt: number;
  /** Config name of the replica's source; undefined when replication is off or points elsewhere. */
  readonly source: string | undefined;
  readonly ioRunning: IoThreadState;
  readonly lastIoErrno: number;
  readonly lastIoError: string;
  /** Everything that moves when events arrive: received binlog coordinates, Gtid_IO_Pos, retrieved set. */
  readonly position: string;
  /** Slave_received_heartbeats (null if the server does not say). */
  readonly heartbeats: number | null;
  /** Heartbeat period in ms; 0 or null = no heartbeats, so silence proves nothing. */
  readonly heartbeatPeriodMs: number | null;
}

/** The history of one replica towards its current source (reset when the source changes). */
export interface ReplicaTrack {
  readonly host: string;
  readonly source: string;
  readonly latest: ReplicaSample;
  /** First sample towards this source. */
  readonly firstAt: number;
  /** Answer time of the sample that first showed the latest progress (firstAt if none seen): it was before. */
  readonly progressSeenAt: number;
  /** Send time of the sample before that one: the progress happened after it. Undefined until progress is seen. */
  readonly progressAfter: number | undefined;
  /** Last sample with IO Yes. */
  readonly connectedAt: number | undefined;
  /** First sample without IO Yes after a sample with it; undefined while connected or never seen connected. */
  readonly lostAt: number | undefined;
}

function moved(prev: ReplicaSample, next: ReplicaSample): boolean {
  if (next.ioRunning !== 'Yes') return false;
  if (prev.ioRunning !== 'Yes') return true; // (re)connected: the source answered
  if (next.position !== prev.position) return true;
  return prev.heartbeats !== null && next.heartbeats !== null && next.heartbeats > prev.heartbeats;
}

/** Adds a sample; undefined when the host replicates from no configured host. */
export function trackReplica(
  prev: ReplicaTrack | undefined,
  host: string,
  sample: ReplicaSample,
): ReplicaTrack | undefined {
  const { source } = sample;
  if (source === undefined) return undefined;
  const yes = sample.ioRunning === 'Yes';
  if (prev?.source !== source) {
    return Object.freeze({
      host,
      source,
      latest: sample,
      firstAt: sample.at,
      progressSeenAt: sample.at,
      progressAfter: undefined,
      connectedAt: yes ? sample.at : undefined,
      lostAt: undefined,
    });
  }
  const progressed = moved(prev.latest, sample);
  return Object.freeze({
    host,
    source,
    latest: sample,
    firstAt: prev.firstAt,
    progressSeenAt: progressed ? sample.answeredAt : prev.progressSeenAt,
    progressAfter: progressed ? prev.latest.at : prev.progressAfter,
    connectedAt: yes ? sample.at : prev.connectedAt,
    lostAt: yes ? undefined : (prev.lostAt ?? (prev.connectedAt === undefined ? undefined : sample.at)),
  });
}

export interface ReplicaEvidence {
  readonly host: string;
  readonly view: ReplicaView;
  readonly ioRunning: IoThreadState;
  readonly lastIoErrno: number;
  readonly lastIoError: string;
  /** Epoch ms the replica's latest sample answered. */
  readonly sampledAt: number;
  /** Epoch ms of the sample that first showed its latest progress. */
  readonly progressSeenAt: number;
  readonly heartbeatPeriodMs: number | null;
  /** One line for logs and `show`. */
  readonly detail: string;
}

export interface JudgeInput {
  readonly source: string;
  readonly now: number;
  /** Start of the monitor's current failing spell towards the source; undefined = the monitor reaches it. */
  readonly monitorFailingSince: number | undefined;
  /** Tracks of every replica (those of other sources are ignored). */
  readonly replicas: readonly ReplicaTrack[];
  /** A replica sample older than this (ms) is stale. */
  readonly freshMs: number;
  readonly lostLookbackMs?: number;
}

export interface Judgement {
  readonly verdict: LivenessVerdict;
  /** Why, in one line (names the replicas). */
  readonly reason: string;
  readonly evidence: readonly ReplicaEvidence[];
}

function isLostState(s: ReplicaSample): boolean {
  return CONNECTION_ERRNOS.has(s.lastIoErrno) || (s.ioRunning === 'Connecting' && s.lastIoErrno === 0);
}

function ioText(s: ReplicaSample): string {
  if (s.lastIoErrno === 0) return `IO ${s.ioRunning}`;
  return `IO ${s.ioRunning}, errno ${s.lastIoErrno}${s.lastIoError === '' ? '' : ` ${s.lastIoError}`}`;
}

/** One replica's view of its source while the monitor fails since `since`. */
export function classifyReplica(
  t: ReplicaTrack,
  since: number,
  now: number,
  freshMs: number,
  lookbackMs = LOST_LOOKBACK_MS,
): { view: ReplicaView; detail: string } {
  const s = t.latest;
  if (now - s.answeredAt > freshMs) {
    return { view: 'stale', detail: `no answer from ${t.host} for ${now - s.answeredAt} ms` };
  }
  if (s.ioRunning === 'Yes') {
    const silentMs = Math.max(0, s.at - t.progressSeenAt);
    const hb = s.heartbeatPeriodMs;
    const beats = hb !== null && hb > 0;
    // Silence first: progress seen after F by a probe that started before a freeze must not vouch for ever.
    if (beats && silentMs > 2 * hb) {
      return { view: 'stalled', detail: `IO Yes but nothing received for ${silentMs} ms (heartbeat ${hb} ms)` };
    }
    if (t.progressAfter !== undefined && t.progressAfter >= since) {
      return { view: 'receiving', detail: `IO Yes, received within the last ${silentMs} ms` };
    }
    if (!beats) return { view: 'waiting', detail: 'IO Yes, no heartbeat configured to tell' };
    return { view: 'waiting', detail: `IO Yes, nothing received for ${silentMs} ms (heartbeat ${hb} ms)` };
  }
  if (isLostState(s) && t.lostAt !== undefined && t.lostAt >= since - lookbackMs) {
    return { view: 'lost', detail: ioText(s) };
  }
  return { view: 'no-evidence', detail: ioText(s) };
}

function names(ev: readonly ReplicaEvidence[]): string {
  return ev.map((e) => e.host).join(', ');
}

function details(ev: readonly ReplicaEvidence[]): string {
  return ev.map((e) => `${e.host}: ${e.detail}`).join('; ');
}

/** The verdict on one source host (see the header). */
export function judgeLiveness(input: JudgeInput): Judgement {
  const { source, now, monitorFailingSince: since } = input;
  const evidence: ReplicaEvidence[] = input.replicas
    .filter((t) => t.source === source && t.host !== source)
    .map((t) => {
      const c = classifyReplica(t, since ?? now, now, input.freshMs, input.lostLookbackMs);
      return Object.freeze({
        host: t.host,
        view: c.view,
        ioRunning: t.latest.ioRunning,
        lastIoErrno: t.latest.lastIoErrno,
        lastIoError: t.latest.lastIoError,
        sampledAt: t.latest.answeredAt,
        progressSeenAt: t.progressSeenAt,
        heartbeatPeriodMs: t.latest.heartbeatPeriodMs,
        detail: c.detail,
      });
    });
  const out = (verdict: LivenessVerdict, reason: string): Judgement =>
    Object.freeze({ verdict, reason, evidence: Object.freeze(evidence) });
  if (since === undefined) return out('alive', 'the monitor reaches it');
  if (evidence.length === 0) return out('unknown', `no replica replicates from ${source}`);
  const of = (...views: ReplicaView[]): ReplicaEvidence[] => evidence.filter((e) => views.includes(e.view));
  const receiving = of('receiving');
  if (receiving.length > 0) {
    return out('reachable-by-replicas', `replicas ${names(receiving)} still replicate from it`);
  }
  const gone = of('lost', 'stalled');
  const waiting = of('waiting');
  if (gone.length > 0 && waiting.length === 0) return out('dead', `replicas lost it too (${details(gone)})`);
  if (waiting.length > 0) return out('unknown', `waiting for replicas ${names(waiting)} (${details(waiting)})`);
  if (of('stale').length === evidence.length) return out('unknown', `no replica of ${source} answers the monitor`);
  return out('unknown', `no replica has evidence (${details(evidence)})`);
}
