import { describe, expect, it } from 'vitest';
import type { AgentStatusReport, CatchUpResult } from '../../../common/api/agent.js';
import { silentLogger } from '../../../common/log/index.js';
import type { AgentPort } from '../../../monitor/agent-link.js';
import { Recorder } from '../../../monitor/failover/executor.js';
import { fetchMissing } from '../../../monitor/failover/fetch-missing.js';
import { seedConfig, T0 } from './core/fixtures.js';
import { fakeMysqlView } from './fake-agent-parts.js';

/** A fake agent port: each host binlogged `binlog[host]` (MariaDB gtid_binlog_pos); a fetch copies the donor's. */
function agents(
  binlog: Record<string, string>,
  log: string[],
  failCatchUp = false,
  /** Status reads of a host that fail (timeout) before one answers; Infinity: never answers. */
  slow: Record<string, number> = {},
): AgentPort {
  const view = (host: string): AgentStatusReport => {
    const m = fakeMysqlView(host);
    if (!m.up || m.replication === null) throw new Error('fake');
    const pos = binlog[host] ?? '';
    return {
      mysql: {
        ...m,
        gtid: { ...m.gtid, binlogPos: pos, binlogState: pos },
        replication: { ...m.replication, received: { gtid: pos, file: null, pos: null } },
      },
    } as unknown as AgentStatusReport;
  };
  let source = '';
  return {
    status: async (host, timeoutMs) => {
      const left = slow[host] ?? 0;
      if (left > 0) {
        slow[host] = left - 1;
        log.push(`status ${host} timed out after ${timeoutMs ?? '?'} ms`);
        return Promise.reject(new Error(`agent ${host}: no answer within ${timeoutMs ?? '?'} ms`));
      }
      return Promise.resolve(view(host));
    },
    repoint: async (host, _e, src) => {
      log.push(`repoint ${host} -> ${src.host}`);
      source = src.host;
      return Promise.resolve({} as never);
    },
    catchUp: async (host, _e, _t, target): Promise<CatchUpResult> => {
      log.push(`catch-up ${host} to ${target?.gtid ?? 'all'}`);
      if (failCatchUp) return Promise.reject(new Error('catch-up timed out'));
      binlog[host] = binlog[source] ?? '';
      const p = { gtid: binlog[host] ?? null, file: null, pos: null };
      return Promise.resolve({ target: p, reached: p, waitedMs: 3, durationMs: 3 });
    },
    push: async () => Promise.reject(new Error('unused')),
    fence: async () => Promise.reject(new Error('unused')),
    promote: async () => Promise.reject(new Error('unused')),
    close: () => undefined,
  };
}

const run = { config: seedConfig({}), epoch: 3, exclude: ['db1'], progress: () => undefined };
const ports = (a: AgentPort) => ({ agents: a, logger: silentLogger(), now: () => T0 });

describe('fetchMissing', () => {
  it('nothing to fetch when the candidate has everything the replicas have', async () => {
    const log: string[] = [];
    const a = agents({ db2: '0-1-100', db3: '0-1-100', db4: '0-1-99' }, log);
    const rec = new Recorder(() => T0);
    expect(await fetchMissing(ports(a), run, rec, 'db2', 5000, 500, 3000)).toEqual([]);
    expect(log).toEqual([]);
    expect(rec.steps).toEqual([]);
  });

  it('a replica that acknowledged a write the candidate lacks: the candidate fetches it from there first', async () => {
    const log: string[] = [];
    const a = agents({ db2: '0-1-100', db3: '0-1-101', db4: '0-1-100' }, log);
    const rec = new Recorder(() => T0);
    expect(await fetchMissing(ports(a), run, rec, 'db2', 5000, 500, 3000)).toEqual(['db3']);
    expect(log).toEqual(['repoint db2 -> db3', 'catch-up db2 to 0-1-101']);
    expect(rec.steps).toMatchObject([
      { name: 'fetch', host: 'db2', outcome: 'ok', detail: expect.stringContaining('from db3: 0-1-101') as string },
    ]);
  });

  it('two replicas ahead: the one that has everything is the source', async () => {
    const log: string[] = [];
    const a = agents({ db2: '0-1-100', db3: '0-1-101', db4: '0-1-102' }, log);
    expect(await fetchMissing(ports(a), run, new Recorder(() => T0), 'db2', 5000, 500, 3000)).toEqual(['db4']);
    expect(log).toEqual(['repoint db2 -> db4', 'catch-up db2 to 0-1-102']);
  });

  it('the old writer is never asked; a failed fetch is recorded and the failover goes on', async () => {
    const log: string[] = [];
    const a = agents({ db1: '0-1-200', db2: '0-1-100', db3: '0-1-101', db4: '0-1-100' }, log, true);
    const rec = new Recorder(() => T0);
    expect(await fetchMissing(ports(a), run, rec, 'db2', 5000, 500, 3000)).toEqual([]);
    expect(log).toEqual(['repoint db2 -> db3', 'catch-up db2 to 0-1-101']);
    expect(rec.steps).toMatchObject([{ name: 'fetch', host: 'db2', outcome: 'failed' }]);
  });

  it('a replica whose status misses the short deadline is asked again with a longer one, then fetched from', async () => {
    const log: string[] = [];
    const a = agents({ db2: '0-1-100', db3: '0-1-101', db4: '0-1-100' }, log, false, { db3: 1 });
    expect(await fetchMissing(ports(a), run, new Recorder(() => T0), 'db2', 5000, 500, 3000)).toEqual(['db3']);
    expect(log).toEqual(['status db3 timed out after 500 ms', 'repoint db2 -> db3', 'catch-up db2 to 0-1-101']);
  });

  it('a replica that never answers is named in the history as not compared; the failover goes on', async () => {
    const log: string[] = [];
    const a = agents({ db2: '0-1-100', db3: '0-1-101', db4: '0-1-100' }, log, false, { db3: Infinity });
    const rec = new Recorder(() => T0);
    expect(await fetchMissing(ports(a), run, rec, 'db2', 5000, 500, 3000)).toEqual([]);
    expect(log).toEqual(['status db3 timed out after 500 ms', 'status db3 timed out after 2000 ms']);
    expect(rec.steps).toMatchObject([
      {
        name: 'fetch',
        host: 'db3',
        outcome: 'failed',
        detail: expect.stringMatching(/GTID state of db3 could not be read .*may be missing on db2/) as string,
      },
    ]);
  });
});
