// The lab network: one bridge in the root namespace, one namespace per host with `eth0` on a veth whose
// other end is enslaved to the bridge. No default route anywhere, IPv6 off on every lab link. Built with a
// few `ip -batch` runs (one fork for many netlink operations) and torn down veths-first: a namespace can
// outlive `ip netns del` (orphaned TCP sockets hold it), and then its veth would block the next `up`.
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { bridgeIp, bridgeName, hostIp, labPrefixLength, nsName, vethName } from './addr.js';
import { ipBatch, run } from './proc.js';

const NETNS_DIR = '/run/netns';
const SYS_NET = '/sys/class/net';

async function disableIpv6(ifname: string): Promise<void> {
  await writeFile(`/proc/sys/net/ipv6/conf/${ifname}/disable_ipv6`, '1');
}

export async function createNetwork(id: number, hosts: number): Promise<void> {
  const br = bridgeName(id);
  const ns = (n: number): string => nsName(id, n);
  const all = Array.from({ length: hosts }, (_, i) => i + 1);
  // 1. Bridge, namespaces (IPv6 off before any link exists in them), veth pairs; everything still down.
  await ipBatch([
    `link add ${br} type bridge`,
    ...all.map((n) => `netns add ${ns(n)}`),
    ...all.map(
      (n) => `netns exec ${ns(n)} sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1`,
    ),
    ...all.map((n) => `link add ${vethName(id, n)} type veth peer name eth0 netns ${ns(n)}`),
    ...all.map((n) => `link set ${vethName(id, n)} master ${br}`),
  ]);
  // 2. IPv6 off on the root-namespace ends (the files exist once the links do).
  await Promise.all([disableIpv6(br), ...all.map((n) => disableIpv6(vethName(id, n)))]);
  // 3. Addresses and links up: root namespace in one batch, each host namespace in its own.
  await Promise.all([
    ipBatch([
      `addr add ${bridgeIp(id)}/${labPrefixLength} dev ${br}`,
      `link set ${br} up`,
      ...all.map((n) => `link set ${vethName(id, n)} up`),
    ]),
    ...all.map((n) =>
      run(['ip', '-n', ns(n), '-batch', '-'], {
        input: [`addr add ${hostIp(id, n)}/${labPrefixLength} dev eth0`, 'link set lo up', 'link set eth0 up'].join(
          '\n',
        ),
      }),
    ),
  ]);
}

/** Names of the lab's namespaces that exist (from /run/netns). */
export async function labNamespaces(id: number): Promise<string[]> {
  const names = await readdir(NETNS_DIR).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(`mmm${id}-db`));
}

/** The lab's bridge and host-side veths that exist in the root namespace. */
export async function labLinks(id: number): Promise<string[]> {
  const names = await readdir(SYS_NET).catch(() => [] as string[]);
  return names.filter((n) => n === bridgeName(id) || n.startsWith(`mmm${id}v`));
}

/** Namespace name → inode of its /run/netns file (what /proc/<pid>/ns/net links point to). */
export async function namespaceInodes(names: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const name of names) {
    const st = await stat(`${NETNS_DIR}/${name}`).catch(() => undefined);
    if (st !== undefined) out.set(name, st.ino);
  }
  return out;
}

/** Deletes veths, then namespaces, then the bridge. Ignores what is already gone. */
export async function destroyNetwork(id: number): Promise<void> {
  const links = await labLinks(id);
  const veths = links.filter((l) => l !== bridgeName(id));
  const nss = await labNamespaces(id);
  await ipBatch(
    [
      ...veths.map((v) => `link del ${v}`),
      ...nss.map((n) => `netns del ${n}`),
      ...(links.includes(bridgeName(id)) ? [`link del ${bridgeName(id)}`] : []),
    ],
    { force: true },
  ).catch(() => undefined); // -force goes on after errors but still exits non-zero; the caller verifies
}

/** Operational state of a root-namespace link ('up', 'down', 'lowerlayerdown', …; 'missing' if absent). */
export async function linkOperstate(ifname: string): Promise<string> {
  return (await readFile(`${SYS_NET}/${ifname}/operstate`, 'utf8').catch(() => 'missing')).trim();
}
