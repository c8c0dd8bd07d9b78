// Names and addresses of a lab. Every helper, test and benchmark derives them from here, so that parallel
// labs never clash: lab K owns 198.18.K.0/24, the names mmm<K>*, and the state directory /tmp/mmm-lab/<K>/.
import { statfsSync } from 'node:fs';
import { MmmError } from '../../common/errors/index.js';

/** Root of all lab state: templates, per-lab directories and lock files. Short on purpose (socket paths ≤ 108 bytes). */
export const LAB_ROOT = '/tmp/mmm-lab';
export const MAX_LAB_ID = 255;
export const MAX_HOSTS = 200;
/** Number of VIP slots per lab: labVip(K, 0..30) = 198.18.K.220..250. */
export const VIP_COUNT = 31;
export const MYSQL_PORT = 3306;

export type HostName = `db${number}`;

export function assertLabId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > MAX_LAB_ID) {
    throw new MmmError('MMM_USAGE', `lab id: expected an integer 0..${MAX_LAB_ID}, got ${String(id)}`);
  }
}

export function assertHostIndex(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_HOSTS) {
    throw new MmmError('MMM_USAGE', `host number: expected an integer 1..${MAX_HOSTS}, got ${String(n)}`);
  }
}

/** Address of the root namespace on lab K's bridge (where a monitor in the root namespace connects from). */
export function bridgeIp(id: number): string {
  assertLabId(id);
  return `198.18.${id}.1`;
}

/** Address of host dbN (N = 1..200) of lab K: 198.18.K.(10+N). */
export function hostIp(id: number, n: number): string {
  assertLabId(id);
  assertHostIndex(n);
  return `198.18.${id}.${10 + n}`;
}

/** VIP slot i (0-based, 0..30) of lab K: 198.18.K.(220+i). Free for the tool under test to place. */
export function labVip(id: number, i: number): string {
  assertLabId(id);
  if (!Number.isInteger(i) || i < 0 || i >= VIP_COUNT) {
    throw new MmmError('MMM_USAGE', `VIP index: expected an integer 0..${VIP_COUNT - 1}, got ${String(i)}`);
  }
  return `198.18.${id}.${220 + i}`;
}

export const labPrefixLength = 24;
export const labSubnet = (id: number): string => `198.18.${id}.0/${labPrefixLength}`;
export const bridgeName = (id: number): string => `mmm${id}br`;
export const nsName = (id: number, n: number): string => `mmm${id}-db${n}`;
/** Host-side end of dbN's veth pair (in the root namespace, enslaved to the bridge). */
export const vethName = (id: number, n: number): string => `mmm${id}v${n}`;
export const labDir = (id: number): string => `${LAB_ROOT}/${id}`;
export const hostDir = (id: number, n: number): string => `${labDir(id)}/db${n}`;
export const lockPath = (id: number): string => `${LAB_ROOT}/${id}.lock`;
export const hostName = (n: number): HostName => `db${n}`;

const TMPFS_MAGIC = 0x01021994;
let dataRootCache: string | undefined;

/**
 * Where datadirs live: /dev/shm/mmm-lab when /dev/shm is a tmpfs (copying the template there is several
 * times faster than onto a busy disk, and lab data is throw-away), else the lab's state directory tree.
 */
export function dataRoot(): string {
  if (dataRootCache === undefined) {
    let tmpfs = false;
    try {
      tmpfs = statfsSync('/dev/shm').type === TMPFS_MAGIC;
    } catch {
      // no /dev/shm
    }
    dataRootCache = tmpfs ? '/dev/shm/mmm-lab' : `${LAB_ROOT}/data`;
  }
  return dataRootCache;
}

export const labDataDir = (id: number): string => `${dataRoot()}/${id}`;
/** Datadir of dbN (outside the state directory, see dataRoot). */
export const dataDir = (id: number, n: number): string => `${labDataDir(id)}/db${n}`;

/** 'db3' → 3; throws a usage error naming the lab's valid hosts otherwise. */
export function hostIndex(name: string, hosts: number): number {
  const m = /^db([1-9][0-9]{0,2})$/.exec(name);
  const n = m?.[1] === undefined ? NaN : Number(m[1]);
  if (!(n >= 1 && n <= hosts)) {
    throw new MmmError('MMM_USAGE', `host: expected one of db1..db${hosts}, got '${name}'`);
  }
  return n;
}
