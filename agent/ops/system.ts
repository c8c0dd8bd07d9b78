// Host facts for the report and the start-up check: OS uptime (MMM's `UP:`), free space where mysqld writes,
// and the capabilities VIP handling needs (CAP_NET_ADMIN for `ip addr`, CAP_NET_RAW for arping).
import { readFile, statfs } from 'node:fs/promises';

export async function osUptimeSeconds(): Promise<number> {
  try {
    const text = await readFile('/proc/uptime', 'utf8');
    return Math.floor(Number.parseFloat(text.split(' ')[0] ?? '0'));
  } catch {
    return 0;
  }
}

/** Space of the filesystem holding `path`: what an unprivileged writer (mysqld) can still use, and the size. */
export async function diskUsage(path: string): Promise<{ freeBytes: number; totalBytes: number }> {
  const s = await statfs(path);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
}

const CAP_NET_ADMIN = 12n;
const CAP_NET_RAW = 13n;

/** Names of the capabilities VIP handling needs that this process lacks (empty when all are there). */
export async function missingNetCapabilities(): Promise<string[]> {
  let status: string;
  try {
    status = await readFile('/proc/self/status', 'utf8');
  } catch {
    return [];
  }
  const hex = /^CapEff:\s*([0-9a-f]+)$/im.exec(status)?.[1];
  if (hex === undefined) return [];
  const eff = BigInt(`0x${hex}`);
  const missing: string[] = [];
  if ((eff & (1n << CAP_NET_ADMIN)) === 0n) missing.push('CAP_NET_ADMIN');
  if ((eff & (1n << CAP_NET_RAW)) === 0n) missing.push('CAP_NET_RAW');
  return missing;
}
