// The two systems the failover suites compare, behind one interface (fault-run.ts): mysql-mmm-ng (agents +
// mmm_mond, milestones from the monitor's log) and the keepalived pair (milestones from the sampler only).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab } from '../../lab/index.js';
import { BenchCluster, type CheckProfile } from './cluster.js';
import type { System } from './fault-run.js';
import { recoveryOf } from './history.js';
import { KeepalivedPair } from './keepalived.js';

/** Milestones in the monitor's log: the first state change of the old writer, the promotion. */
const MILESTONES: readonly { key: string; re: RegExp }[] = [
  { key: 'detected', re: /^State of host 'db1' changed from ONLINE to / },
  { key: 'promoted', re: /^promoted '\w+' to writer/ },
];

export interface MmmSystemOptions {
  readonly id: number;
  readonly checks?: CheckProfile;
  readonly progress?: (line: string) => void;
}

export async function startMmm(o: MmmSystemOptions): Promise<System & { cluster: BenchCluster }> {
  const cluster = await BenchCluster.start({
    id: o.id,
    semiSync: true,
    ...(o.checks === undefined ? {} : { checks: o.checks }),
    ...(o.progress === undefined ? {} : { progress: o.progress }),
  });
  return {
    name: 'mysql-mmm-ng',
    cluster,
    lab: cluster.lab,
    writerVip: cluster.writerIp,
    watchVips: cluster.readerIps,
    killCompanion: async (host) => cluster.killAgent(host),
    milestones: (from, to) => {
      const lines = cluster.monitorLines(from).filter((l) => l.atEpochMs <= to);
      const steps: Record<string, number> = {};
      for (const m of MILESTONES) {
        const hit = lines.find((l) => m.re.test(l.msg));
        if (hit !== undefined) steps[m.key] = hit.atEpochMs - from;
      }
      const timeline = lines
        .filter((l) => l.level !== 'debug' && l.msg !== 'command')
        .slice(0, 60)
        .map((l) => `+${l.atEpochMs - from} ms ${l.level}: ${l.msg}`);
      return { steps, timeline };
    },
    recovery: async (from) => recoveryOf(await cluster.command('history', '50'), from),
    stop: async () => cluster.stop(),
  };
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  } catch {
    return [];
  }
}

export async function startKeepalived(o: { id: number; progress?: (line: string) => void }): Promise<System> {
  const lab = await Lab.up({ id: o.id, semiSync: true });
  let pair: KeepalivedPair;
  try {
    pair = await KeepalivedPair.start(lab);
  } catch (e) {
    await lab.down();
    throw e;
  }
  o.progress?.(`lab ${o.id} up, keepalived in db1 and db2 (VIP on db1)`);
  return {
    name: 'keepalived',
    lab,
    writerVip: pair.vip,
    watchVips: [],
    killCompanion: async (host) => pair.kill(host),
    milestones: (from, to) => {
      // notify.log lines: "<epoch seconds.nanos> <master|backup|fault> <exit status>"
      const steps: Record<string, number> = {};
      const timeline: string[] = [];
      for (const host of ['db1', 'db2']) {
        for (const line of readLines(join(pair.dir, host, 'notify.log'))) {
          const [t, what, rc] = line.split(' ');
          const at = Math.round(Number(t) * 1000);
          if (!(at >= from && at <= to)) continue;
          timeline.push(`+${at - from} ms ${host} notify ${what ?? '?'} (exit ${rc ?? '?'})`);
          const key = `${host} notify_${what ?? '?'}`;
          steps[key] ??= at - from;
        }
      }
      return { steps, timeline: timeline.sort((a, b) => Number(a.split(' ')[0]) - Number(b.split(' ')[0])) };
    },
    stop: async () => {
      await pair.stop();
      const report = await lab.down();
      if (report.leftovers.length > 0) throw new Error(`lab ${lab.id} leftovers: ${report.leftovers.join('; ')}`);
    },
  };
}
