// `npm run demo -- --failover`: write load through the writer VIP (WriterClient, test/lab/workload.ts), kill -9
// of the writer's mysqld, wait until `mmm_control show` has the writer role on the other master, stop the load,
// then print the outage (last ack before the kill → first ack after), how many acknowledged writes the new
// writer lacks (lost writes: must be 0) and the new `show`.
import { setTimeout as sleep } from 'node:timers/promises';
import { WriterClient, formatWorkloadSummary, verifyAcks, waitConverged, type Lab } from '../lab/index.js';

export interface FailoverIo {
  readonly control: (...args: string[]) => Promise<string>;
  readonly say: (line: string) => void;
}

export interface FailoverResult {
  readonly from: string;
  readonly to: string | undefined;
  readonly outageMs: number | undefined;
  readonly acked: number;
  readonly uncertain: number;
  /** Acked ids the new writer lacks (undefined when the writer never moved). */
  readonly lost: readonly number[] | undefined;
}

/** Host holding the writer role in a `show` text, if any. */
export function writerHost(show: string): string | undefined {
  return /^ {2}(\S+)\(.*writer\(/m.exec(show)?.[1];
}

const LOAD_BEFORE_MS = 3_000;
const LOAD_AFTER_MS = 2_000;
const MOVE_TIMEOUT_MS = 60_000;

/** Kills `from`'s mysqld, then polls `show` until the writer is on `other` (and lets the load run on). */
async function killAndWait(
  lab: Lab,
  io: FailoverIo,
  from: string,
  other: string,
): Promise<{ faultAt: number; to: string | undefined }> {
  await lab.kill(from);
  // measured from the moment mysqld is dead: writes acked while the kill was under way came from it
  const faultAt = performance.now();
  let last = '';
  while (performance.now() < faultAt + MOVE_TIMEOUT_MS) {
    const show = await io.control('show');
    const holder = writerHost(show);
    const state = new RegExp(`^ {2}${from}\\(\\S+\\) \\w+/(\\w+)`, 'm').exec(show)?.[1] ?? '?';
    // the monitor's own explanations (`# Failover in progress: ...`, `# Failover blocked ...`)
    const notes = show.split('\n').filter((l) => /^# (Failover|Writer role)/.test(l));
    const now = [state, holder ?? '', ...notes].join('|');
    if (now !== last) {
      const at = ((performance.now() - faultAt) / 1000).toFixed(1);
      io.say(`      +${at} s: ${from} ${state}, writer on ${holder ?? 'nobody'}`);
      for (const n of notes) io.say(`      ${n}`);
    }
    last = now;
    if (holder === other) {
      await sleep(LOAD_AFTER_MS);
      return { faultAt, to: other };
    }
    await sleep(250);
  }
  return { faultAt, to: undefined };
}

export async function runFailover(lab: Lab, io: FailoverIo): Promise<FailoverResult> {
  const from = writerHost(await io.control('show'));
  if (from === undefined) throw new Error('no host holds the writer role; nothing to fail over');
  const other = from === 'db1' ? 'db2' : 'db1';
  console.log('');
  io.say(`failover: write load through the writer VIP ${lab.vip(0)} (one INSERT every 10 ms, app.writes)`);
  const client = new WriterClient({ host: lab.vip(0) });
  await client.start();
  const { faultAt, to } = await (async () => {
    try {
      await sleep(LOAD_BEFORE_MS);
      io.say(`failover: ${String(client.counts.acked)} writes acknowledged; kill -9 of ${from}'s mysqld now`);
      return await killAndWait(lab, io, from, other);
    } finally {
      await client.stop();
    }
  })();
  const outage = client.outageAround(faultAt);
  let lost: number[] | undefined;
  let missing: Record<string, number[]> | undefined;
  if (to !== undefined) {
    const live = ['db1', 'db2', 'db3', 'db4'].filter((h) => h !== from);
    await waitConverged(lab, { hosts: live.filter((h) => h !== to), from: to }).catch(() => undefined);
    missing = await verifyAcks(lab, 'app.writes', client.ackedIds, live);
    lost = missing[to] ?? [];
  }
  console.log('');
  console.log(
    formatWorkloadSummary({
      acks: client.acks,
      errors: client.errors,
      faultAtMs: faultAt,
      ...(missing === undefined ? {} : { missing }),
    }),
  );
  if (to === undefined) {
    io.say(`failover: the writer did NOT move to ${other} within ${String(MOVE_TIMEOUT_MS / 1000)} s`);
    process.exitCode = 1;
  } else {
    io.say(
      `failover: writer ${from} → ${to}; outage ${outage === undefined ? '?' : `${(outage.ms / 1000).toFixed(2)} s`}; ` +
        `lost acknowledged writes: ${String(lost?.length ?? 0)} of ${String(client.counts.acked)} ` +
        `(${String(client.counts.uncertain)} uncertain: sent, connection lost before the answer)`,
    );
    if ((lost?.length ?? 0) > 0) process.exitCode = 1;
  }
  for (const [host, ids] of Object.entries(missing ?? {})) {
    if (host === to || ids.length === 0) continue;
    const [row] = await lab.sql(host, 'SHOW SLAVE STATUS');
    const master = row?.['Master_Host'];
    const source = typeof master === 'string' ? master : 'nobody';
    const name = ['db1', 'db2', 'db3', 'db4'].find((h) => lab.host(h).ip === source) ?? source;
    io.say(
      `failover: ${host} lacks ${String(ids.length)} acknowledged writes: it replicates from ${name}, not from ${String(to)}`,
    );
  }
  console.log('');
  console.log('$ mmm_control show');
  console.log(await io.control('show'));
  io.say(`${from} stays down: npm run lab -- restart-db ${from} --id 0 brings its mysqld back (read-only); the`);
  io.say('      monitor checks it and, after auto_set_online, makes it ONLINE again (or: mmm_control set_online)');
  return {
    from,
    to,
    outageMs: outage?.ms,
    acked: client.counts.acked,
    uncertain: client.counts.uncertain,
    lost,
  };
}
