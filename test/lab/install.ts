// Makes sure the machine can run a lab: root, and the Debian packages the lab drives. Missing packages are
// installed with apt-get (one progress line per step); without root it says exactly what is missing.
import { access, constants } from 'node:fs/promises';
import { MmmError } from '../../common/errors/index.js';
import { run } from './proc.js';

export type Progress = (line: string) => void;

/** Binary the lab runs → Debian package that provides it. */
const REQUIRED: readonly (readonly [string, string])[] = [
  ['mariadbd', 'mariadb-server'],
  ['mariadb-install-db', 'mariadb-server'],
  ['mariadb', 'mariadb-client'],
  ['arping', 'iputils-arping'],
  ['fping', 'fping'],
  ['nft', 'nftables'],
  ['ip', 'iproute2'],
  ['unshare', 'util-linux'],
];

const SEARCH_PATH = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin'];

async function found(bin: string): Promise<boolean> {
  for (const dir of SEARCH_PATH) {
    try {
      await access(`${dir}/${bin}`, constants.X_OK);
      return true;
    } catch {
      // try the next directory
    }
  }
  return false;
}

/** Packages whose binaries are missing on this machine (deduplicated, in a stable order). */
export async function missingPackages(): Promise<string[]> {
  const missing = new Set<string>();
  for (const [bin, pkg] of REQUIRED) if (!(await found(bin))) missing.add(pkg);
  return [...missing];
}

export function assertRoot(what: string): void {
  if (process.getuid?.() !== 0) {
    throw new MmmError(
      'MMM_NO_PRIVILEGE',
      `${what} needs root (network namespaces, bridges and veths need CAP_NET_ADMIN); run it as root`,
    );
  }
}

/**
 * One more binary a suite needs beyond the lab's (the keepalived baseline): installs its package with
 * apt-get when it is missing (root only), one progress line per step.
 */
export async function ensureBinary(bin: string, pkg: string, progress: Progress = () => undefined): Promise<void> {
  if (await found(bin)) return;
  if (process.getuid?.() !== 0) {
    throw new MmmError('MMM_NO_PRIVILEGE', `${bin} is missing; install it as root: apt-get install -y ${pkg}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  progress(`${pkg}: [1/2] apt-get update`);
  await run(['apt-get', 'update', '-qq'], { timeoutMs: 300_000, env });
  progress(`${pkg}: [2/2] apt-get install -y ${pkg}`);
  await run(['apt-get', 'install', '-y', '-qq', pkg], { timeoutMs: 600_000, env });
  if (!(await found(bin))) throw new MmmError('MMM_EXEC_FAILED', `${bin} still missing after installing ${pkg}`);
}

/** Installs missing packages (apt-get) or explains what is missing; a no-op when everything is there. */
export async function ensurePackages(progress: Progress = () => undefined): Promise<void> {
  const missing = await missingPackages();
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new MmmError(
      'MMM_NO_PRIVILEGE',
      `lab: missing packages ${missing.join(', ')}; install them as root: apt-get install -y ${missing.join(' ')}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  progress('lab: [1/2] apt-get update');
  await run(['apt-get', 'update', '-qq'], { timeoutMs: 300_000, env });
  progress(`lab: [2/2] apt-get install -y ${missing.join(' ')}`);
  await run(['apt-get', 'install', '-y', '-qq', ...missing], { timeoutMs: 600_000, env });
  const still = await missingPackages();
  if (still.length > 0) throw new MmmError('MMM_EXEC_FAILED', `lab: still missing after install: ${still.join(', ')}`);
  progress('lab: packages installed');
}
