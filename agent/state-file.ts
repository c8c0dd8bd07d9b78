// The agent's memory across restarts: the newest monitor stamp it accepted (so a restarted agent still refuses
// an older monitor), the last desired state, and the writer grant. Written atomically (temp file, fsync,
// rename) before a request is answered.
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HOST_STATES, type HostState, type MonitorStamp, type RoleIp } from '../common/api/agent.js';
import { MmmError, describeError } from '../common/errors/index.js';

export interface AgentMemory {
  readonly stamp: MonitorStamp | null;
  readonly hostState: HostState | 'UNKNOWN';
  readonly roles: readonly RoleIp[];
  readonly activeMaster: string | null;
  /** Given by promote; taken by fence, the lease, or a desired state without the writer role. */
  readonly writerGrant: boolean;
  /** Replication stopped for ADMIN_OFFLINE and not yet started again. */
  readonly replicationHeld: boolean;
}

export const EMPTY_MEMORY: AgentMemory = {
  stamp: null,
  hostState: 'UNKNOWN',
  roles: [],
  activeMaster: null,
  writerGrant: false,
  replicationHeld: false,
};

const FORMAT = 1;

export interface StateStore {
  load(): Promise<AgentMemory>;
  save(memory: AgentMemory): Promise<void>;
}

function invalid(path: string, why: string): MmmError {
  return new MmmError(
    'MMM_CONFIG_INVALID',
    `agent state file ${path} is unreadable (${why}); it holds the last monitor epoch. Remove it only if no older monitor can still be running`,
  );
}

function parseMemory(path: string, text: string): AgentMemory {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw invalid(path, describeError(e));
  }
  if (typeof raw !== 'object' || raw === null) throw invalid(path, 'not a JSON object');
  const o = raw as Record<string, unknown>;
  if (o['format'] !== FORMAT) throw invalid(path, `not format ${FORMAT}`);
  const rawStamp: unknown = o['stamp'] ?? null;
  const stamp = rawStamp as { epoch?: unknown; seq?: unknown } | null;
  const okStamp =
    rawStamp === null ||
    (typeof rawStamp === 'object' && Number.isSafeInteger(stamp?.epoch) && Number.isSafeInteger(stamp?.seq));
  const hostState = o['hostState'];
  const okState = hostState === 'UNKNOWN' || HOST_STATES.includes(hostState as HostState);
  const roles = o['roles'];
  const okRoles =
    Array.isArray(roles) &&
    roles.every((r) => typeof (r as RoleIp).role === 'string' && typeof (r as RoleIp).ip === 'string');
  const activeMaster = o['activeMaster'];
  if (!okStamp || !okState || !okRoles || (activeMaster !== null && typeof activeMaster !== 'string')) {
    throw invalid(path, 'unexpected content');
  }
  return {
    stamp: stamp === null ? null : { epoch: stamp.epoch as number, seq: stamp.seq as number },
    hostState: hostState as HostState | 'UNKNOWN',
    roles: (roles as RoleIp[]).map((r) => ({ role: r.role, ip: r.ip })),
    activeMaster: activeMaster,
    writerGrant: o['writerGrant'] === true,
    replicationHeld: o['replicationHeld'] === true,
  };
}

export function createStateStore(path: string): StateStore {
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_MEMORY;
        throw invalid(path, describeError(e));
      }
      return parseMemory(path, text);
    },
    async save(memory) {
      const tmp = `${path}.tmp`;
      try {
        await mkdir(dirname(path), { recursive: true, mode: 0o750 });
        const fh = await open(tmp, 'w', 0o640);
        try {
          await fh.writeFile(`${JSON.stringify({ format: FORMAT, ...memory })}\n`, 'utf8');
          await fh.sync();
        } finally {
          await fh.close();
        }
        await rename(tmp, path);
      } catch (e) {
        throw new MmmError('MMM_INTERNAL', `cannot write agent state file ${path}: ${describeError(e)}`);
      }
    },
  };
}

/** An in-memory store, for tests and for --no-state-file style embedding. */
export function memoryStateStore(initial: AgentMemory = EMPTY_MEMORY): StateStore & { current: AgentMemory } {
  const store = {
    current: initial,
    load: () => Promise.resolve(store.current),
    save: (m: AgentMemory) => {
      store.current = m;
      return Promise.resolve();
    },
  };
  return store;
}

/** Lexicographic (epoch, seq) order. */
export function compareStamps(a: MonitorStamp, b: MonitorStamp): number {
  return a.epoch !== b.epoch ? a.epoch - b.epoch : a.seq - b.seq;
}
