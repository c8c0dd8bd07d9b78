// The chaos scenarios of issue 10. Each injects one fault at a random moment (from the run's seed), states
// what must happen (or must not: no failover while the writer is healthy), heals, and leaves the cluster as
// healthy as it can. The invariants (one writable host, one holder per VIP) are checked all the time by the
// runner's sampler; lost writes are counted by the runner after the run.
import { rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { boundVips } from '../lab/index.js';
import { run as exec } from '../lab/proc.js';
import type { Cluster } from './cluster.js';
import { CHAOS_TABLE, type RunContext, type Scenario } from './runner.js';

const WRITER = 'db1';
const KEPT = 'SIGHUP: configuration not reloaded, keeping the running one';

const writerIs = async (c: Cluster, h: string): Promise<boolean> => (await c.writerHolders()).join() === h;
const stateOf = async (c: Cluster, h: string): Promise<string | undefined> => (await c.states())[h];
const count = (text: string, needle: string): number => text.split(needle).length - 1;

/** How long a fault is held: shorter in quick mode. */
const holdMs = (ctx: RunContext, min: number, max: number): number =>
  ctx.quick ? ctx.rng.int(min, Math.min(max, min + 1000)) : ctx.rng.int(min, max);

/** SQL as root over the host's socket, several statements in one session (the mariadb client). */
async function rootSql(c: Cluster, h: string, sql: string): Promise<void> {
  await c.lab.exec(h, ['mariadb', '-uroot', '-S', c.lab.host(h).socket, '-e', sql], { timeoutMs: 10_000 });
}

/** nftables in `h`'s namespace: drop only what flows between the monitor (bridge address) and the host's own
 * address. Clients of the VIPs (the writer client, also from the bridge) keep working. */
async function dropMonitorTraffic(c: Cluster, h: string, on: boolean): Promise<void> {
  const own = c.lab.host(h).ip;
  const bridge = c.lab.bridgeIp;
  const script = on
    ? [
        'table ip mmm_chaos {',
        '  chain input {',
        '    type filter hook input priority -10; policy accept;',
        `    iifname "eth0" ip saddr ${bridge} ip daddr ${own} drop`,
        '  }',
        '  chain output {',
        '    type filter hook output priority -10; policy accept;',
        `    oifname "eth0" ip saddr ${own} ip daddr ${bridge} drop`,
        '  }',
        '}',
      ].join('\n')
    : 'table ip mmm_chaos\ndelete table ip mmm_chaos';
  await c.lab.exec(h, ['nft', '-f', '-'], { input: `${script}\n` });
}

/** Isolates (or heals) a host and tells the harness, so its VIPs do not count while it is cut off. */
async function isolate(ctx: RunContext, h: string, on: boolean): Promise<void> {
  if (on) {
    ctx.cutOff(h, true);
    await ctx.c.lab.isolate(h);
  } else {
    await ctx.c.lab.heal(h);
    ctx.cutOff(h, false);
  }
}

/**
 * A write in flight when the old writer froze or was cut off may commit on it (issue 6): then it has an
 * errant transaction and must be held out with its GTIDs shown, never set ONLINE. True when that is so.
 */
async function heldOutWithErrant(ctx: RunContext, c: Cluster, h: string): Promise<boolean> {
  // the monitor compares GTID sets once it reaches the returning host again
  await ctx.waitFor(`${h} out of HARD_OFFLINE`, async () => (await stateOf(c, h)) !== 'HARD_OFFLINE', 20_000);
  await sleep(1500);
  const show = (await c.command('show')).text;
  const held = new RegExp(`^# Host ${h} is held out of ONLINE[^\\n]*\\n#   Errant GTIDs: (\\S+)`, 'm').exec(show);
  if (held === null) return false;
  ctx.log(`the old writer is held out with errant transaction(s) ${held[1] ?? ''}, as it must be`);
  if ((await stateOf(c, h)) === 'ONLINE') ctx.fail(`the errant old writer ${h} is ONLINE`);
  return true;
}

async function backOnline(ctx: RunContext, h: string, timeoutMs = 30_000): Promise<boolean> {
  const { c } = ctx;
  let was = 'ONLINE';
  let heldOut: string | undefined;
  const ok = await ctx.waitFor(
    `${h} ONLINE again`,
    async () => {
      const s = await stateOf(c, h);
      if (s !== 'ONLINE') was = s ?? 'unknown';
      if (s === 'AWAITING_RECOVERY') {
        const r = await c.command('set_online', h);
        if (r.text.includes('is held out: errant transactions')) {
          heldOut = r.text.trim();
          return true;
        }
      }
      return s === 'ONLINE';
    },
    timeoutMs,
  );
  if (ok && heldOut !== undefined) return divergedUnacked(ctx, h, heldOut);
  if (ok && was !== 'ONLINE') c.onlineSince.set(h, Date.now());
  return ok;
}

/**
 * A failed writer may come back with transactions it committed but no client saw acknowledged (the crash or
 * the cut came between its commit and the semi-sync acknowledgement, or it fell back to asynchronous): the
 * monitor must hold it out (deploy/RUNBOOK.md §4, a rebuild). That is a pass only if every extra row is one
 * the writer client never got an acknowledgement for; the cluster is then rebuilt for the next run.
 */
async function divergedUnacked(ctx: RunContext, h: string, refusal: string): Promise<boolean> {
  const { c } = ctx;
  const writer = (await c.writerHolders()).find((w) => w !== h && !ctx.isolated.has(w));
  if (writer === undefined) {
    ctx.fail(`${h} held out (${refusal}) while no other host holds the writer VIP`);
    return false;
  }
  const ids = async (host: string): Promise<Set<number>> =>
    new Set((await c.lab.sql(host, `SELECT id FROM ${CHAOS_TABLE}`)).map((r) => Number(r['id'])));
  const [mine, theirs] = await Promise.all([ids(h), ids(writer)]);
  const extra = [...mine].filter((id) => !theirs.has(id)).sort((a, b) => a - b);
  const acked = new Set(ctx.writer.ackedIds);
  const ackedExtra = extra.filter((id) => acked.has(id));
  if (ackedExtra.length > 0) {
    ctx.fail(`${h} held out with acknowledged writes ${ackedExtra.join(', ')} that writer ${writer} lacks`);
    return false;
  }
  ctx.note(
    `${h} came back diverged and is held out, as it must be: ${refusal.replace(/^ERROR: /, '')} ` +
      `(${extra.length === 0 ? 'no client row' : `client rows ${extra.join(', ')}`}, never acknowledged); rebuilt for the next run`,
  );
  return true;
}

/**
 * MMM ignores a replica's replication problems while its master has been ONLINE for less than 60 s
 * (monitor/core PEER_GRACE_MS, as MMM 2.2.1): replica faults are injected only after that.
 */
async function masterOnlineLongEnough(ctx: RunContext): Promise<void> {
  const since = ctx.c.onlineSince.get(WRITER) ?? 0;
  const wait = since + 62_000 - Date.now();
  if (wait > 0) {
    ctx.log(`waiting ${wait} ms: the master must be ONLINE for 60 s before replica faults count (MMM rule)`);
    await sleep(wait);
  }
}

// ---- scenarios that need no failover ------------------------------------------------------------------

const dropMonitorWriter: Scenario = {
  name: 'drop-monitor-writer',
  title: 'drop only monitor↔writer traffic (no failover expected)',
  failover: false,
  fault: `drop traffic between the monitor and ${WRITER}'s own address`,
  run: async (ctx, c) => {
    await dropMonitorTraffic(c, WRITER, true);
    try {
      await ctx.hold('no failover while only the monitor lost the writer', holdMs(ctx, 4000, 10_000), () =>
        writerIs(c, WRITER),
      );
    } finally {
      await dropMonitorTraffic(c, WRITER, false);
    }
    await ctx.hold('writer stays after the heal', 2000, () => writerIs(c, WRITER));
    await backOnline(ctx, WRITER);
  },
};

const killWriterAgent: Scenario = {
  name: 'kill-writer-agent',
  title: "kill the writer's agent only (no failover; show warns)",
  failover: false,
  fault: `SIGKILL mmm_agentd on ${WRITER}`,
  run: async (ctx, c) => {
    await c.killAgent(WRITER);
    try {
      await ctx.waitFor(
        '`show` warns that the agent is unreachable',
        async () => (await c.command('show')).text.includes(`# Warning: agent on host ${WRITER} is not reachable`),
        15_000,
      );
      await ctx.hold('no failover while the writer mysqld is healthy', holdMs(ctx, 3000, 10_000), () =>
        writerIs(c, WRITER),
      );
    } finally {
      c.startAgent(WRITER);
      await c.waitAgent(WRITER);
    }
    await ctx.waitFor(
      'the warning is gone once the agent is back',
      async () => !(await c.command('show')).text.includes(`agent on host ${WRITER} is not reachable`),
      15_000,
    );
    await ctx.hold('writer stays after the agent restart', 2000, () => writerIs(c, WRITER));
  },
};

const SQL_VICTIM = 'db3';
/** The key of the conflicting row: from the run's seed, so prepare and run agree. */
const conflictId = (ctx: RunContext): number => 900_000_000 + (ctx.rng.seed % 99_999_999);

const replicaSqlError: Scenario = {
  name: 'replica-sql-error',
  title: 'replica SQL thread error',
  failover: false,
  fault: `SQL thread error on ${SQL_VICTIM} (duplicate key)`,
  prepare: async (ctx, c) => {
    await masterOnlineLongEnough(ctx);
    // a row only the replica has: the master's insert of the same key stops its SQL thread (error 1062);
    // DDL would not do (MariaDB replicas apply DDL idempotently by default)
    const id = conflictId(ctx);
    await rootSql(c, SQL_VICTIM, `SET sql_log_bin=0; INSERT INTO app.t (id, v) VALUES (${id}, 'replica only')`);
  },
  run: async (ctx, c) => {
    const id = conflictId(ctx);
    await c.lab.sql(WRITER, `INSERT INTO app.t (id, v) VALUES (${id}, 'from the master')`);
    try {
      await ctx.waitFor(
        `${SQL_VICTIM} REPLICATION_FAIL`,
        async () => (await stateOf(c, SQL_VICTIM)) === 'REPLICATION_FAIL',
        20_000,
      );
      await ctx.waitFor(`no reader VIP on ${SQL_VICTIM}`, async () => !(await hasRoleVip(c, SQL_VICTIM)), 15_000);
      await ctx.hold('writer unaffected', holdMs(ctx, 1000, 4000), () => writerIs(c, WRITER));
    } finally {
      await rootSql(c, SQL_VICTIM, `SET sql_log_bin=0; DELETE FROM app.t WHERE id = ${id}; START SLAVE`);
    }
    await backOnline(ctx, SQL_VICTIM);
  },
};

async function hasRoleVip(c: Cluster, h: string): Promise<boolean> {
  const vips = await boundVips(c.lab, h);
  return [...vips].some((v) => v === c.writerIp || c.readerIps.includes(v));
}

const replicaLag: Scenario = {
  name: 'replica-lag',
  title: 'replica lag beyond max_backlog',
  failover: false,
  fault: 'db4 applies 30 s late (MASTER_DELAY), max_backlog 3 s',
  prepare: async (ctx) => {
    await masterOnlineLongEnough(ctx);
  },
  run: async (ctx, c) => {
    const victim = 'db4';
    await rootSql(c, victim, 'STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=30; START SLAVE');
    try {
      await ctx.waitFor(
        `${victim} REPLICATION_DELAY`,
        async () => (await stateOf(c, victim)) === 'REPLICATION_DELAY',
        30_000,
      );
      await ctx.waitFor(`no reader VIP on ${victim}`, async () => !(await hasRoleVip(c, victim)), 15_000);
      await ctx.hold('writer unaffected', holdMs(ctx, 1000, 4000), () => writerIs(c, WRITER));
    } finally {
      await rootSql(c, victim, 'STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE');
    }
    await backOnline(ctx, victim, 60_000);
  },
};

const sighupBroken: Scenario = {
  name: 'sighup-broken-config',
  title: 'SIGHUP with a broken config (old config stays)',
  failover: false,
  fault: 'broken configs + SIGHUP to mmm_mond and the agent on db2',
  run: async (ctx, c) => {
    const monKept = count(c.log('mmm_mond.log'), KEPT);
    const agentKept = count(c.log('agent-db2.log'), KEPT);
    c.writeMonitorConfig(c.monitorConfigText().replace('  tick: 0.5', '  tick: soon'));
    c.writeAgentConfig('db2', c.agentConfigText('db2').replace('mode: master', 'mode: mastr'));
    try {
      c.signalMonitor('SIGHUP');
      c.signalAgent('db2', 'SIGHUP');
      await ctx.waitFor(
        'mmm_mond logs that it keeps its config',
        () => count(c.log('mmm_mond.log'), KEPT) > monKept,
        10_000,
      );
      await ctx.waitFor(
        'the agent logs that it keeps its config',
        () => count(c.log('agent-db2.log'), KEPT) > agentKept,
        10_000,
      );
      // the old configuration is in force and the daemons work: a role move still happens
      const off = await c.command('set_offline', 'db4');
      if (off.exitCode !== 0) ctx.fail(`set_offline db4 refused: ${off.text}`);
      await ctx.waitFor('db4 gave its reader VIP away', async () => !(await hasRoleVip(c, 'db4')), 15_000);
      await c.command('set_online', 'db4');
      await backOnline(ctx, 'db4');
      await ctx.hold('writer unaffected', 1000, () => writerIs(c, WRITER));
    } finally {
      c.writeMonitorConfig(c.monitorConfigText());
      c.writeAgentConfig('db2', c.agentConfigText('db2'));
    }
  },
};

const monitorRestart: Scenario = {
  name: 'monitor-restart',
  title: 'kill -9 and restart the monitor',
  failover: false,
  fault: 'SIGKILL mmm_mond',
  run: async (ctx, c) => {
    const before = (await c.health()).epoch;
    await c.stopMonitor('SIGKILL');
    // the agents' lease: every peer lost the monitor too, so the writer holds (agent/README.md, peer check)
    await ctx.hold('writer keeps its VIP while the monitor is down', holdMs(ctx, 1000, 8000), () =>
      writerIs(c, WRITER),
    );
    c.startMonitor();
    await ctx.waitFor('restarted monitor with a newer epoch', async () => (await c.health()).epoch > before, 60_000);
    await ctx.hold('no role moved after the restart', 3000, () => writerIs(c, WRITER));
    for (const h of c.hosts) await backOnline(ctx, h);
  },
};

// ---- scenarios that need the failover orchestration (issue 6) ---------------------------------------

/** Waits for the writer VIP on another master and for writes to be acknowledged again. */
async function failedOver(ctx: RunContext, from: string, timeoutMs = 30_000): Promise<string | undefined> {
  const { c } = ctx;
  let to: string | undefined;
  await ctx.waitFor(
    `writer VIP moved away from ${from}`,
    async () => {
      const holders = (await c.writerHolders()).filter((h) => !ctx.isolated.has(h));
      to = holders.length === 1 && holders[0] !== from ? holders[0] : undefined;
      return to !== undefined;
    },
    timeoutMs,
  );
  const since = ctx.writer.acks.length;
  await ctx.waitFor('writes acknowledged again through the VIP', () => ctx.writer.acks.length > since + 10, timeoutMs);
  return to;
}

const killWriterMysqld: Scenario = {
  name: 'kill-writer-mysqld',
  title: 'kill -9 writer mysqld',
  failover: true,
  fault: `SIGKILL mariadbd on ${WRITER}`,
  run: async (ctx, c) => {
    await c.lab.kill(WRITER);
    await failedOver(ctx, WRITER);
    await ctx.pause('old writer down', 500, 3000);
    await c.lab.restartDb(WRITER);
    await backOnline(ctx, WRITER, 60_000);
  },
};

const stopWriter: Scenario = {
  name: 'sigstop-writer',
  title: 'SIGSTOP writer mysqld, then SIGCONT',
  failover: true,
  fault: `SIGSTOP mariadbd on ${WRITER}`,
  run: async (ctx, c) => {
    await c.lab.stop(WRITER);
    try {
      await failedOver(ctx, WRITER);
    } finally {
      await ctx.pause('frozen', 0, 3000);
      await c.lab.cont(WRITER);
    }
    // the sampler counts any moment with two writable hosts; here: the thawed old writer ends up read-only.
    // Its agent's pending fence kills client sessions for a while after the thaw (the probe's own session may
    // be one): only an answer counts, a killed probe is asked again.
    const readOnly = async (): Promise<boolean> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return Number((await c.lab.sql(WRITER, 'SELECT @@read_only AS ro'))[0]?.['ro']) === 1;
        } catch (e) {
          if (attempt >= 5) throw e;
          await sleep(100);
        }
      }
    };
    if (await ctx.waitFor('the thawed old writer is read-only', readOnly, 10_000)) {
      await ctx.hold('the old writer stays read-only', 3000, readOnly);
    }
    if (await heldOutWithErrant(ctx, c, WRITER)) return;
    await backOnline(ctx, WRITER, 60_000);
  },
};

const isolateWriter: Scenario = {
  name: 'isolate-writer',
  title: 'isolate the writer host, then heal',
  failover: true,
  fault: `isolate ${WRITER}`,
  run: async (ctx, c) => {
    await isolate(ctx, WRITER, true);
    try {
      await failedOver(ctx, WRITER);
      await ctx.waitFor(
        'the isolated old writer fenced itself (lease)',
        async () => Number((await c.lab.sql(WRITER, 'SELECT @@read_only AS ro'))[0]?.['ro']) === 1,
        15_000,
      );
    } finally {
      await ctx.pause('isolated', 0, 3000);
      await isolate(ctx, WRITER, false);
    }
    if (await heldOutWithErrant(ctx, c, WRITER)) return;
    await backOnline(ctx, WRITER, 60_000);
  },
};

const monitorRestartInFailover: Scenario = {
  name: 'monitor-restart-in-failover',
  title: 'kill -9 and restart the monitor during a failover (after the fence began, before the promotion)',
  failover: true,
  fault: `isolate ${WRITER}, SIGKILL mmm_mond once its recovery started`,
  run: async (ctx, c) => {
    const before = (await c.health()).epoch;
    await isolate(ctx, WRITER, true);
    try {
      // The recovery logs its plan before fencing; the lease wait that follows lasts writer_lease + margin.
      const started = await ctx.waitFor(
        'the monitor started a failover recovery',
        () => c.log('mmm_mond.log').includes('"recovery":"failover-'),
        30_000,
      );
      if (!started) return;
      await ctx.pause('into the fence / lease wait', 200, 2000);
      if ((await c.writerHolders()).some((h) => h !== WRITER)) {
        ctx.log('the promotion was already done when the monitor was killed (timing): still a restart under load');
      }
      await c.stopMonitor('SIGKILL');
      c.startMonitor();
      await ctx.waitFor('restarted monitor with a newer epoch', async () => (await c.health()).epoch > before, 60_000);
      // The new monitor knows nothing of db1's last contact: it waits a whole lease from its own start.
      await failedOver(ctx, WRITER, 45_000);
      await ctx.waitFor(
        'the isolated old writer fenced itself (lease)',
        async () => Number((await c.lab.sql(WRITER, 'SELECT @@read_only AS ro'))[0]?.['ro']) === 1,
        15_000,
      );
    } finally {
      await isolate(ctx, WRITER, false);
    }
    if (await heldOutWithErrant(ctx, c, WRITER)) return;
    await backOnline(ctx, WRITER, 60_000);
  },
};

const killAgentAndMysqld: Scenario = {
  name: 'kill-agent-and-mysqld',
  title: "kill the writer's agent and mysqld",
  failover: true,
  fault: `SIGKILL mmm_agentd and mariadbd on ${WRITER}`,
  run: async (ctx, c) => {
    await c.killAgent(WRITER);
    await c.lab.kill(WRITER);
    // systemd brings the agent back (deploy/systemd: Restart=on-failure, RestartSec=2); until then nothing on
    // the host can drop the writer VIP, after it the monitor's desired state does (mysqld still dead)
    await ctx.pause('agent down until systemd restarts it', 2000, 2000);
    c.startAgent(WRITER);
    await failedOver(ctx, WRITER);
    await c.waitAgent(WRITER);
    await c.lab.restartDb(WRITER);
    await backOnline(ctx, WRITER, 60_000);
  },
};

/** Where the kill_host_bin of lab `id` lives: outside /tmp/mmm-lab/<id>, which Lab.up wipes. */
const killHostPath = (id: number): string => `/tmp/mmm-chaos-kill-host-${id}`;

/**
 * The kill_host_bin of lab `id` (args: host name, ping ok 1/0), a power-off as far as the lab can do one:
 * SIGKILLs the host's mariadbd (the lab's pid file) and removes every /32 address (the VIPs) from its eth0,
 * then logs the call. Written before the monitor starts (its config checks the program).
 */
function writeKillHost(id: number): void {
  writeFileSync(
    killHostPath(id),
    [
      '#!/bin/sh',
      `pid=$(cat /tmp/mmm-lab/${id}/"$1"/mysqld.pid 2>/dev/null) || exit 1`,
      'kill -9 "$pid" || exit 1',
      `ns=mmm${id}-"$1"`,
      `for a in $(ip -n "$ns" -o -4 addr show dev eth0 | awk '$4 ~ /\\/32$/ {print $4}'); do`,
      '  ip -n "$ns" addr del "$a" dev eth0 || exit 1',
      'done',
      `echo "$(date +%s) $1 $2" >> /tmp/mmm-lab/${id}/kill_host.log`,
    ].join('\n') + '\n',
    { mode: 0o755 },
  );
}

function agentKilledIsolated(stonith: boolean): Scenario {
  return {
    name: stonith ? 'kill-agent-isolate-stonith' : 'kill-agent-isolate',
    title: `kill the writer's agent and isolate its host, ${stonith ? 'with' : 'without'} kill_host_bin`,
    failover: true,
    fault: `SIGKILL mmm_agentd on ${WRITER} and isolate it`,
    ...(stonith
      ? {
          config: (id: number) => ({ monitorLines: [`  kill_host_bin: ${killHostPath(id)}`] }),
          beforeCluster: writeKillHost,
          afterCluster: (id: number) => {
            rmSync(killHostPath(id), { force: true });
          },
        }
      : {}),
    run: async (ctx, c) => {
      await c.killAgent(WRITER);
      await isolate(ctx, WRITER, true);
      await failedOver(ctx, WRITER, 45_000);
      const pid = await c.lab.mysqldPid(WRITER);
      if (stonith) {
        if (pid !== undefined)
          ctx.fail('promoted while the old writer mysqld still runs (kill_host_bin not waited for)');
      } else if (pid !== undefined) {
        const ro = Number((await c.lab.sql(WRITER, 'SELECT @@read_only AS ro'))[0]?.['ro']);
        ctx.log(
          `documented limit: the isolated old writer (agent dead) is ${ro === 0 ? 'still writable' : 'read-only'}, unreachable by clients`,
        );
      }
      // bring it back safely: a restarted agent on the isolated host fences itself after one lease (read-only,
      // writer VIP dropped) before the host is reachable again
      if (pid === undefined) await c.lab.restartDb(WRITER);
      c.startAgent(WRITER);
      await ctx.waitFor(
        'the restarted isolated agent fenced the old writer',
        async () =>
          Number((await c.lab.sql(WRITER, 'SELECT @@read_only AS ro'))[0]?.['ro']) === 1 &&
          !(await boundVips(c.lab, WRITER)).has(c.writerIp),
        30_000,
      );
      await isolate(ctx, WRITER, false);
      await c.waitAgent(WRITER);
      await backOnline(ctx, WRITER, 60_000);
    },
  };
}

const flappingWriter: Scenario = {
  name: 'flapping-writer',
  title: 'flapping writer (4 failures in an hour → AWAITING_RECOVERY)',
  failover: true,
  fault: `${WRITER} fails 4 times`,
  config: { monitorLines: ['  auto_set_online: 3'] },
  run: async (ctx, c) => {
    await c.lab.kill(WRITER);
    await failedOver(ctx, WRITER);
    await c.lab.restartDb(WRITER);
    await backOnline(ctx, WRITER, 60_000);
    for (let i = 2; i <= 4; i++) {
      await ctx.pause(`failure ${i}`, 500, 2000);
      await c.lab.kill(WRITER);
      await ctx.waitFor(
        `${WRITER} HARD_OFFLINE (failure ${i})`,
        async () => (await stateOf(c, WRITER)) === 'HARD_OFFLINE',
        20_000,
      );
      await c.lab.restartDb(WRITER);
      if (i < 4) await backOnline(ctx, WRITER, 60_000);
    }
    await ctx.waitFor(
      'flapping host AWAITING_RECOVERY',
      async () => (await stateOf(c, WRITER)) === 'AWAITING_RECOVERY',
      30_000,
    );
    await ctx.hold(
      'flapping host not set online automatically',
      6000,
      async () => (await stateOf(c, WRITER)) === 'AWAITING_RECOVERY',
    );
    await c.command('set_online', WRITER);
    await backOnline(ctx, WRITER, 30_000);
  },
};

const bothMastersDown: Scenario = {
  name: 'both-masters-down',
  title: 'both masters down, then one back',
  failover: true,
  fault: 'SIGKILL mariadbd on db1 and db2',
  run: async (ctx, c) => {
    await Promise.all([c.lab.kill('db1'), c.lab.kill('db2')]);
    await ctx.pause('both down', 2000, 6000);
    const back = ctx.rng.pick(['db1', 'db2']);
    await c.lab.restartDb(back);
    await c.command('set_online', back);
    await ctx.waitFor(`writer VIP on ${back}`, () => writerIs(c, back), 45_000);
    const since = ctx.writer.acks.length;
    await ctx.waitFor('writes acknowledged again', () => ctx.writer.acks.length > since + 10, 30_000);
    const other = back === 'db1' ? 'db2' : 'db1';
    await c.lab.restartDb(other);
    await backOnline(ctx, other, 60_000);
  },
};

const errantReturning: Scenario = {
  name: 'errant-returning-writer',
  title: 'returning old writer with an errant transaction',
  failover: true,
  fault: `SIGKILL mariadbd on ${WRITER}`,
  run: async (ctx, c) => {
    await c.lab.kill(WRITER);
    const to = await failedOver(ctx, WRITER);
    // it comes back cut off and takes a write nobody else has (an errant transaction)
    await isolate(ctx, WRITER, true);
    await c.lab.restartDb(WRITER);
    // db1's agent still has the fence it could not finish while mysqld was dead: it lands on the restarted
    // server (read_only=1, client sessions killed). Let it, then write around it as a careless operator would.
    await ctx.waitFor(
      'the restarted old writer fenced by its own agent',
      async () => Number((await c.lab.sql(WRITER, 'SELECT @@read_only AS ro'))[0]?.['ro']) === 1,
      10_000,
    );
    const errantSql =
      'SET GLOBAL read_only=0; CREATE TABLE IF NOT EXISTS app.errant (i INT); INSERT INTO app.errant VALUES (1); SET GLOBAL read_only=1';
    for (let attempt = 1; ; attempt++) {
      try {
        await rootSql(c, WRITER, errantSql);
        break;
      } catch (e) {
        // the agent's fence passes kill client sessions (root's too) a little after read_only=1
        if (attempt === 3) throw e;
        await sleep(500);
      }
    }
    await isolate(ctx, WRITER, false);
    await c.command('set_online', WRITER);
    await ctx.hold('the errant old writer is never made writer nor writable', 10_000, async () => {
      const ro = Number((await c.lab.sql(WRITER, 'SELECT @@read_only AS ro'))[0]?.['ro']);
      return ro === 1 && (await c.writerHolders()).join() === (to ?? '');
    });
    const state = await stateOf(c, WRITER);
    ctx.log(`errant old writer is ${state ?? 'unknown'}`);
    if (state === 'ONLINE') ctx.fail('the errant old writer was set ONLINE as if nothing happened');
  },
};

/** The planned move under writes (issue 10's soak mixes switchovers with the faults): there and back. */
const switchover: Scenario = {
  name: 'switchover',
  title: 'planned switchover there and back (move_role writer)',
  failover: false,
  fault: 'mmm_control move_role writer db2',
  run: async (ctx, c) => {
    for (const to of ['db2', WRITER]) {
      const r = await c.command('move_role', 'writer', to);
      if (r.exitCode !== 0) {
        ctx.fail(`move_role writer ${to} refused: ${r.text.trim()}`);
        return;
      }
      ctx.log(`move_role writer ${to}: ${r.text.trim()}`);
      await ctx.waitFor(`writer VIP on ${to}`, () => writerIs(c, to), 10_000);
      const since = ctx.writer.acks.length;
      await ctx.waitFor('writes acknowledged again', () => ctx.writer.acks.length > since + 10, 10_000);
      if (to !== WRITER) await ctx.pause('writer on db2', 500, 3000);
    }
  },
};

/**
 * MariaDB does not fail a write on a full disk: the session waits for space (retrying every 60 s), every commit
 * queues behind it, and SELECTs keep answering. No check fails, so the writer stays (a failover could not fence
 * it either: read_only=1 waits for the stuck commit); what must happen is a warning in `show` while it lasts,
 * nothing lost, and writes back within MariaDB's retry interval once space is freed.
 */
const diskFullWriter: Scenario = {
  name: 'disk-full-writer',
  title: "the writer's disk fills up, then space is freed",
  failover: false,
  // every datadir on a 128 MiB tmpfs of its own: db1's can be filled without touching the others
  lab: { dataSizeMb: 128 },
  fault: `fill the datadir filesystem of ${WRITER}`,
  run: async (ctx, c) => {
    const filler = `${c.lab.host(WRITER).data}/chaos-filler`;
    const warning = `# Warning: host ${WRITER}: the filesystem of `;
    const warned = async (): Promise<boolean> => (await c.command('show')).text.includes(warning);
    await exec(['sh', '-c', `dd if=/dev/zero of=${filler} bs=1M 2>/dev/null; exit 0`]);
    try {
      await ctx.waitFor('show warns that the writer disk is full', warned, 10_000);
      const since = ctx.writer.acks.length;
      await ctx.hold(
        'the writer stays (its checks pass; nothing to fail over to safely)',
        holdMs(ctx, 3000, 8000),
        () => writerIs(c, WRITER),
      );
      ctx.log(`writes acknowledged while the disk was full: ${ctx.writer.acks.length - since}`);
    } finally {
      rmSync(filler, { force: true });
    }
    const freedAt = Date.now();
    await ctx.waitFor('the warning is gone once space is freed', async () => !(await warned()), 10_000);
    const since = ctx.writer.acks.length;
    // MariaDB looks at the disk again at most 60 s after it found it full
    await ctx.waitFor('writes acknowledged again', () => ctx.writer.acks.length > since + 10, 75_000);
    ctx.log(`writes resumed ${Date.now() - freedAt} ms after space was freed`);
    await backOnline(ctx, WRITER, 30_000);
  },
};

export const SCENARIOS: readonly Scenario[] = [
  dropMonitorWriter,
  killWriterAgent,
  replicaSqlError,
  replicaLag,
  sighupBroken,
  monitorRestart,
  killWriterMysqld,
  stopWriter,
  isolateWriter,
  monitorRestartInFailover,
  killAgentAndMysqld,
  agentKilledIsolated(false),
  agentKilledIsolated(true),
  flappingWriter,
  bothMastersDown,
  errantReturning,
  diskFullWriter,
  switchover,
];

export function scenario(name: string): Scenario {
  const s = SCENARIOS.find((x) => x.name === name);
  if (s === undefined) throw new Error(`unknown scenario '${name}'; known: ${SCENARIOS.map((x) => x.name).join(', ')}`);
  return s;
}
