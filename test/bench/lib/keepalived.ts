// The keepalived baseline (issue #9): Debian's keepalived in db1's and db2's namespaces, VRRP over unicast
// between the two masters only (no multicast: every advertisement goes to the one lab peer), both BACKUP
// with nopreempt, a 1 s vrrp_script `mariadb-admin ping` over the host's socket, and the classic notify
// scripts (MASTER: read_only=0, BACKUP/FAULT: read_only=1) — as the tutorials set it up. It moves only the
// IP: no fencing, no catch-up, no repointing of the replicas.
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { boundVips, labDir, type Lab, type LabProcess } from '../../lab/index.js';
import { until } from './cluster.js';

const MASTERS = ['db1', 'db2'] as const;

export class KeepalivedPair {
  readonly lab: Lab;
  readonly vip: string;
  readonly dir: string;
  readonly procs = new Map<string, LabProcess>();

  private constructor(lab: Lab) {
    this.lab = lab;
    this.vip = lab.vip(0);
    this.dir = join(labDir(lab.id), 'keepalived');
  }

  /** Writes the configs, starts keepalived in db1 and db2, waits until db1 holds the VIP. */
  static async start(lab: Lab): Promise<KeepalivedPair> {
    const k = new KeepalivedPair(lab);
    try {
      await k.boot();
    } catch (e) {
      await k.stop();
      throw e;
    }
    return k;
  }

  config(host: (typeof MASTERS)[number]): string {
    const self = this.lab.host(host);
    const peer = this.lab.host(host === 'db1' ? 'db2' : 'db1');
    const dir = join(this.dir, host);
    return [
      'global_defs {',
      `  router_id mmmbench${this.lab.id}${host}`,
      '  enable_script_security',
      '  script_user root',
      '}',
      'vrrp_script chk_mysql {',
      `  script "/usr/bin/mariadb-admin --no-defaults --socket=${self.socket} -u root --connect-timeout=1 ping"`,
      '  interval 1',
      '  timeout 2',
      '  fall 1',
      '  rise 1',
      '}',
      'vrrp_instance VI_MYSQL {',
      '  state BACKUP',
      '  nopreempt',
      '  interface eth0',
      `  virtual_router_id ${(this.lab.id % 255) + 1}`,
      `  priority ${host === 'db1' ? 150 : 100}`,
      '  advert_int 1',
      `  unicast_src_ip ${self.ip}`,
      '  unicast_peer {',
      `    ${peer.ip}`,
      '  }',
      '  virtual_ipaddress {',
      `    ${this.vip}/32 dev eth0`,
      '  }',
      '  track_script {',
      '    chk_mysql',
      '  }',
      `  notify_master "${dir}/notify.sh master"`,
      `  notify_backup "${dir}/notify.sh backup"`,
      `  notify_fault "${dir}/notify.sh fault"`,
      '}',
      '',
    ].join('\n');
  }

  notifyScript(host: string): string {
    const sock = this.lab.host(host).socket;
    return [
      '#!/bin/sh',
      '# classic keepalived notify: the VRRP master takes writes, the others are read-only',
      `SQL="/usr/bin/timeout 3 /usr/bin/mariadb --no-defaults --socket=${sock} -u root --connect-timeout=1 -e"`,
      'case "$1" in',
      '  master) $SQL "SET GLOBAL read_only=0" ;;',
      '  *) $SQL "SET GLOBAL read_only=1" ;;',
      'esac',
      `echo "$(date +%s.%N) $1 $?" >> ${join(this.dir, host)}/notify.log`,
      '',
    ].join('\n');
  }

  private async boot(): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    for (const h of MASTERS) {
      const dir = join(this.dir, h);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileSync(join(dir, 'keepalived.conf'), this.config(h), { mode: 0o600 });
      writeFileSync(join(dir, 'notify.sh'), this.notifyScript(h), { mode: 0o700 });
    }
    // db1 first: with both BACKUP/nopreempt the higher priority wins the first election
    for (const h of MASTERS) {
      const dir = join(this.dir, h);
      const p = this.lab.spawn(
        h,
        [
          '/usr/sbin/keepalived',
          '--dont-fork',
          '--log-console',
          '--log-detail',
          '--no-syslog',
          '--vrrp',
          '--use-file',
          join(dir, 'keepalived.conf'),
          '--pid',
          join(dir, 'keepalived.pid'),
          '--vrrp_pid',
          join(dir, 'vrrp.pid'),
        ],
        { logFile: join(dir, 'keepalived.log') },
      );
      this.procs.set(h, p);
    }
    await until(
      'keepalived VIP on db1',
      async () => ((await boundVips(this.lab, 'db1')).has(this.vip) ? true : undefined),
      30_000,
    );
  }

  /** PIDs of keepalived processes started for `host`: the parent and its children (VRRP). */
  private pidsOf(host: string): number[] {
    const parent = this.procs.get(host)?.pid;
    if (parent === undefined) return [];
    const children: number[] = [];
    for (const e of readdirSync('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      try {
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === parent) children.push(Number(e));
      } catch {
        // gone
      }
    }
    return [...children, parent];
  }

  /** kill -9 of keepalived on `host` (children first, so none can shut down gracefully): host loss. */
  async kill(host: string): Promise<void> {
    for (const pid of this.pidsOf(host)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await this.procs.get(host)?.exited;
  }

  /** SIGTERM by PID (keepalived stops its children and removes its VIP), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    await Promise.all([...this.procs.values()].map(async (p) => p.stop(5_000)));
    await sleep(0);
  }
}
