// Checks shared by the lab's own integration tests. Leak checks ask the system directly (ip, /proc),
// independently of the lab code under test.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { expect } from 'vitest';
import { labDir, lockPath, parseSlaveStatus, type Lab, type ReplicaStatus } from '../../lab/index.js';

/** Live (non-zombie) mariadbd processes whose command line points into lab `id`'s state directory. */
export function liveServersOf(id: number): number[] {
  const marker = `${labDir(id)}/`;
  return readdirSync('/proc')
    .filter((n) => /^[0-9]+$/.test(n))
    .filter((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        return cmd.includes('mariadbd') && cmd.includes(marker) && state !== 'Z';
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Asserts that nothing of lab `id` exists: no namespace, bridge, veth, mariadbd, state directory or lock. */
export function expectNoLeftovers(id: number): void {
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith(`mmm${id}-`));
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(':')[1]?.trim().split('@')[0] ?? '')
    .filter((n) => n === `mmm${id}br` || n.startsWith(`mmm${id}v`));
  expect({ namespaces, links, servers: liveServersOf(id) }).toEqual({ namespaces: [], links: [], servers: [] });
  expect(existsSync(labDir(id))).toBe(false);
  expect(existsSync(lockPath(id))).toBe(false);
}

export interface Sample {
  readonly ms: number;
  readonly status: Readonly<Record<string, ReplicaStatus | null>>;
}

/**
 * Polls SHOW SLAVE STATUS on `hosts` (as root over their sockets, unaffected by network faults) every
 * 50 ms until `done` holds for all of them; returns the time since `since` and the last sample.
 */
export async function waitReplicas(
  lab: Lab,
  hosts: readonly string[],
  done: (s: ReplicaStatus | null) => boolean,
  opts: { since: number; timeoutMs: number },
): Promise<Sample> {
  const deadline = opts.since + opts.timeoutMs;
  for (;;) {
    const rows = await Promise.all(
      hosts.map(async (h) => {
        const [row] = await lab.sql(h, 'SHOW SLAVE STATUS', { timeoutMs: 2_000 });
        return [h, parseSlaveStatus(row)] as const;
      }),
    );
    const status = Object.fromEntries(rows);
    const ms = Date.now() - opts.since;
    if (rows.every(([, s]) => done(s))) return { ms, status };
    if (Date.now() > deadline) {
      throw new Error(
        `replicas ${hosts.join(',')} not in the expected state after ${ms} ms: ${JSON.stringify(status)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const ioIs =
  (want: ReplicaStatus['ioRunning']) =>
  (s: ReplicaStatus | null): boolean =>
    s?.ioRunning === want;

/** Inserts a row on `host` as the application user over TCP and returns its id. */
export async function appInsert(lab: Lab, host: string, v: string): Promise<number> {
  await lab.sql(host, 'INSERT INTO app.t (v, src) VALUES (?, ?)', { user: 'app', params: [v, host] });
  const [row] = await lab.sql(host, 'SELECT id FROM app.t WHERE v = ? ORDER BY id DESC LIMIT 1', { params: [v] });
  return Number(row?.['id']);
}
