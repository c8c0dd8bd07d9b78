// Tearing a lab down, whatever state it is in (healthy, half-built, after faults): SIGKILL every process in
// its namespaces (and any mariadbd running from its state directory) by PID, delete veths, namespaces and
// the bridge, remove the state and data directories, then look again and report whatever is left.
import { readFile, rm, stat } from 'node:fs/promises';
import { labDataDir, labDir } from './addr.js';
import { destroyNetwork, labLinks, labNamespaces, namespaceInodes } from './net.js';
import { allPids, cmdline, isAlive, pidsInNetns, run, signal, waitDead } from './proc.js';

export interface DownReport {
  readonly id: number;
  /** PIDs that were sent SIGKILL. */
  readonly killed: readonly number[];
  /** Anything of the lab still present afterwards (empty when the teardown was complete). */
  readonly leftovers: readonly string[];
  readonly ms: number;
}

/** Live mariadbd processes whose command line points into the lab's state directory. */
async function serversOfLab(id: number): Promise<number[]> {
  const marker = `${labDir(id)}/`;
  const found: number[] = [];
  await Promise.all(
    (await allPids()).map(async (pid) => {
      const cmd = await cmdline(pid);
      if (cmd.includes('mariadbd') && cmd.includes(marker) && (await isAlive(pid))) found.push(pid);
    }),
  );
  return found;
}

/** Live PIDs that belong to the lab: in one of its namespaces, or a mariadbd of its state directory. */
export async function labPids(id: number): Promise<number[]> {
  const byNs = await pidsInNetns(await namespaceInodes(await labNamespaces(id)));
  const pids = new Set<number>([...byNs.values()].flat());
  for (const p of await serversOfLab(id)) pids.add(p);
  pids.delete(process.pid);
  return [...pids].sort((a, b) => a - b);
}

/** Mount points inside the lab's directories (the per-host datadir tmpfs of LabOptions.dataSizeMb). */
async function labMounts(id: number): Promise<string[]> {
  const roots = [labDir(id), labDataDir(id)].map((d) => `${d}/`);
  const text = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  return text
    .split('\n')
    .map((l) => (l.split(' ')[1] ?? '').replace(/\\040/g, ' '))
    .filter((m) => roots.some((r) => m.startsWith(r)));
}

/** What of lab `id` exists right now, one line per thing. */
export async function findLeftovers(id: number): Promise<string[]> {
  const out: string[] = [];
  for (const ns of await labNamespaces(id)) out.push(`namespace ${ns}`);
  for (const link of await labLinks(id)) out.push(`link ${link}`);
  for (const pid of await labPids(id)) out.push(`process ${pid}: ${(await cmdline(pid)).slice(0, 120)}`);
  for (const m of await labMounts(id)) out.push(`mount ${m}`);
  for (const dir of [labDir(id), labDataDir(id)]) {
    if (await stat(dir).catch(() => undefined)) out.push(`directory ${dir}`);
  }
  return out;
}

/** Removes everything of lab `id`. Does not throw for leftovers: it reports them. */
export async function teardownLab(id: number): Promise<DownReport> {
  const started = Date.now();
  const killed = await labPids(id);
  for (const pid of killed) signal(pid, 'SIGKILL');
  // Zombies are fine (dead, and PID 1 reaps them late); a process in D state may take a moment.
  await waitDead(killed, 3_000);
  // Nothing of the lab runs any more: the network and the directories can go at the same time (the datadir
  // mounts first, or rm fails on them).
  for (const m of (await labMounts(id)).reverse()) await run(['umount', m]).catch(() => undefined);
  await Promise.all([
    destroyNetwork(id),
    ...[labDir(id), labDataDir(id)].map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 3 })),
  ]);
  const leftovers = await findLeftovers(id);
  return { id, killed, leftovers, ms: Date.now() - started };
}
