// Suite `agent`: latency of the agent's operations, called over HTTP from the root namespace the way the
// monitor calls them, against agents in the lab's namespaces (no monitor running): VIP bind + announce
// (a desired state adding a reader VIP), VIP removal, promote, fence, repoint by GTID, catch-up.
import { performance } from 'node:perf_hooks';
import {
  AGENT_ROUTES,
  type CatchUpResult,
  type DesiredStateResult,
  type FenceResult,
  type PromoteResult,
  type RepointResult,
  type RoleIp,
} from '../../../common/api/agent.js';
import type { JsonClient } from '../../../common/http/client.js';
import { BenchCluster } from '../lib/cluster.js';
import { percentile, summarize } from '../lib/stats.js';
import type { SuiteContext, SuiteResult } from './context.js';

const EPOCH = 1;

interface Sample {
  readonly roundTripMs: number;
  readonly agentMs: number;
}

const OPS = [
  'vip bind + announce (reader VIP added by a desired state)',
  'vip removal (desired state without it)',
  'promote (writer VIP + read_only=0)',
  'fence (read_only=1, kill sessions, writer VIP off)',
  'repoint by GTID (db3 to db2 or back, threads verified)',
  'catch-up (db3 applies what it received)',
] as const;
type Op = (typeof OPS)[number];

export async function agentSuite(ctx: SuiteContext): Promise<SuiteResult> {
  const n = ctx.runs ?? (ctx.quick ? 5 : 30);
  ctx.progress(`starting a 4-host lab with agents, no monitor (lab ${ctx.labId})`);
  const cluster = await BenchCluster.start({
    id: ctx.labId,
    monitor: false,
    extra: ['writer_lease: 0'],
    progress: (l) => {
      ctx.progress(`  ${l}`);
    },
  });
  const samples = new Map<Op, Sample[]>(OPS.map((o) => [o, []]));
  const clients = new Map<string, JsonClient>();
  const client = (h: string): JsonClient => {
    let c = clients.get(h);
    if (c === undefined) {
      c = cluster.agentClient(h);
      clients.set(h, c);
    }
    return c;
  };
  let seq = 0;
  const desired = async (host: string, roles: RoleIp[]): Promise<DesiredStateResult> =>
    client(host).put<DesiredStateResult>(AGENT_ROUTES.desiredState.path, {
      host,
      epoch: EPOCH,
      seq: ++seq,
      state: 'ONLINE',
      roles,
      activeMaster: 'db1',
    });
  const timed = async <T extends { durationMs: number }>(op: Op, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await f();
    samples.get(op)?.push({ roundTripMs: performance.now() - t0, agentMs: r.durationMs });
    return r;
  };
  const lab = cluster.lab;
  const writer: RoleIp = { role: 'writer', ip: cluster.writerIp };
  const reader: RoleIp = { role: 'reader', ip: cluster.readerIps[2] ?? '' };
  try {
    for (const h of ['db1', 'db2', 'db3', 'db4']) await desired(h, h === 'db1' ? [writer] : []);
    for (let i = 1; i <= n; i++) {
      await timed(OPS[0], async () => desired('db3', [reader]));
      await timed(OPS[1], async () => desired('db3', []));
      await desired('db1', [writer]);
      await timed(OPS[2], async () =>
        client('db1').post<PromoteResult>(AGENT_ROUTES.promote.path, {
          host: 'db1',
          epoch: EPOCH,
          replication: 'keep',
        }),
      );
      await lab.sql('db1', 'INSERT INTO app.t (v, src) VALUES (?, ?)', {
        params: [`bench-${i}`, 'agent'],
        user: 'app',
      });
      await timed(OPS[3], async () =>
        client('db1').post<FenceResult>(AGENT_ROUTES.fence.path, { host: 'db1', epoch: EPOCH, reason: 'bench' }),
      );
      const source = i % 2 === 1 ? 'db2' : 'db1';
      await timed(OPS[4], async () =>
        client('db3').post<RepointResult>(AGENT_ROUTES.repoint.path, {
          host: 'db3',
          epoch: EPOCH,
          source: { host: source, ip: lab.host(source).ip, port: 3306 },
          position: { mode: 'gtid' },
        }),
      );
      await timed(OPS[5], async () =>
        client('db3').post<CatchUpResult>(AGENT_ROUTES.catchUp.path, { host: 'db3', epoch: EPOCH, timeoutMs: 5_000 }),
      );
      if (i % 5 === 0 || i === n) ctx.progress(`${i}/${n} rounds of the six operations`);
    }
    // leave db3 on db1 and db1 open, as the lab started
    await client('db3').post<RepointResult>(AGENT_ROUTES.repoint.path, {
      host: 'db3',
      epoch: EPOCH,
      source: { host: 'db1', ip: lab.host('db1').ip, port: 3306 },
      position: { mode: 'gtid' },
    });
  } finally {
    for (const c of clients.values()) c.close();
    await cluster.stop();
  }
  const f = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(1));
  const rows = OPS.map((op) => {
    const s = samples.get(op) ?? [];
    const rt = s.map((x) => x.roundTripMs);
    const ag = s.map((x) => x.agentMs);
    const sum = summarize(rt);
    return [
      op,
      `${f(percentile(rt, 0.5))} / ${f(percentile(rt, 0.99))}`,
      `${f(percentile(ag, 0.5))} / ${f(percentile(ag, 0.99))}`,
      `${f(sum?.min)} – ${f(sum?.max)}`,
      String(s.length),
    ];
  });
  return {
    title: 'Agent operation latencies (direct HTTP calls to mmm_agentd in a lab namespace)',
    settings: {
      hosts: 4,
      'semi-sync': 'on',
      rounds: n,
      transport: 'HTTP with a bearer token, one keep-alive connection per agent, from the root namespace',
      'writer lease': '0 (no monitor runs in this suite)',
    },
    sections: [
      {
        title: 'Latency per operation (ms)',
        text: [
          'Round trip: measured by the caller (HTTP included). Agent: the durationMs the agent reports for the ' +
            'operation. p99 of a few dozen samples is close to the maximum. Lab physics (lab-facts.md): promote ~30 ms, ' +
            'repoint ~80 ms, VIP 10–20 ms.',
        ],
        table: { head: ['operation', 'round trip p50 / p99', 'agent p50 / p99', 'round trip min – max', 'n'], rows },
      },
    ],
    raw: Object.fromEntries(samples),
  };
}
