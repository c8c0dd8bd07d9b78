// fast-check generators for the monitor core: clusters shaped like MMM deployments (two masters, some
// slaves, one writer VIP, balanced reader VIPs, sometimes `prefer` and an extra exclusive role), models that
// satisfy the safety invariants, check flips and mmm_control commands.
import fc from 'fast-check';
import type { CheckName, Config } from '../../common/config/types.js';
import type { ClusterModel, HostChecks, HostState, Mode } from '../../monitor/core/index.js';
import { T0, checks, host, model, role, seedConfig } from '../unit/monitor/core/fixtures.js';

export interface Cluster {
  readonly config: Config;
  readonly model: ClusterModel;
}

const STATES: readonly HostState[] = [
  'ONLINE',
  'ONLINE',
  'ONLINE',
  'ADMIN_OFFLINE',
  'HARD_OFFLINE',
  'AWAITING_RECOVERY',
  'REPLICATION_DELAY',
  'REPLICATION_FAIL',
];

/** A config: db1/db2 masters, 0–4 slaves, 1–7 reader IPs, maybe prefer and an extra exclusive role. */
export const configArb: fc.Arbitrary<Config> = fc
  .record({
    slaves: fc.integer({ min: 0, max: 4 }),
    readers: fc.integer({ min: 1, max: 7 }),
    prefer: fc.constantFrom(undefined, 'db1', 'db2'),
    extra: fc.boolean(),
    flapCount: fc.constantFrom(0, 1, 3),
    autoSetOnline: fc.constantFrom(0, 5),
  })
  .map(({ slaves, readers, prefer, extra, flapCount, autoSetOnline }) => {
    const names = ['db1', 'db2', ...Array.from({ length: slaves }, (_, i) => `db${i + 3}`)];
    const hosts = names.map((n, i) =>
      i < 2 ? host(n, `198.18.0.${11 + i}`, 'master', i === 0 ? 'db2' : 'db1') : host(n, `198.18.0.${11 + i}`, 'slave'),
    );
    const roles = [
      role('writer', 'exclusive', ['db1', 'db2'], ['198.18.0.100'], prefer),
      role(
        'reader',
        'balanced',
        names,
        Array.from({ length: readers }, (_, i) => `198.18.0.${101 + i}`),
      ),
      ...(extra && slaves > 0 ? [role('backup', 'exclusive', names.slice(2), ['198.18.0.120'])] : []),
    ];
    return seedConfig({ hosts, roles, monitor: { flapCount, autoSetOnline } });
  });

const flagsArb = fc.record(
  { ping: fc.boolean(), mysql: fc.boolean(), rep_threads: fc.boolean(), rep_backlog: fc.boolean() },
  { requiredKeys: [] },
);

/** Mostly healthy check statuses. */
export const checksArb: fc.Arbitrary<HostChecks> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(checks()) },
  { weight: 2, arbitrary: flagsArb.map((f) => checks(f)) },
);

/** A model of `config` in `mode` that satisfies the invariants: roles only where allowed (and ONLINE in ACTIVE). */
export function modelArb(config: Config, modes: readonly Mode[] = ['ACTIVE']): fc.Arbitrary<ClusterModel> {
  const names = config.hosts.map((h) => h.name);
  return fc
    .record({
      mode: fc.constantFrom(...modes),
      states: fc.array(fc.constantFrom(...STATES), { minLength: names.length, maxLength: names.length }),
      reach: fc.array(fc.boolean(), { minLength: names.length, maxLength: names.length }),
      checks: fc.array(checksArb, { minLength: names.length, maxLength: names.length }),
      picks: fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
      online: fc.array(fc.nat({ max: 200_000 }), { minLength: names.length, maxLength: names.length }),
    })
    .map(({ mode, states, reach, checks: cs, picks, online }) => {
      const hosts = Object.fromEntries(
        names.map((n, i) => [
          n,
          {
            state: states[i]!,
            agentReachable: reach[i]! || i % 2 === 0,
            checks: cs[i]!,
            onlineSince: states[i] === 'ONLINE' ? T0 - online[i]! : 0,
          },
        ]),
      );
      const owners: Record<string, string> = {};
      let k = 0;
      for (const r of config.roles) {
        const allowed = r.hosts.filter((h) => mode !== 'ACTIVE' || hosts[h]?.state === 'ONLINE');
        for (const ip of r.ips) {
          const p = picks[k++ % picks.length]!;
          if (allowed.length > 0 && p % 3 !== 0) owners[ip] = allowed[p % allowed.length]!;
        }
      }
      return model(config, { mode, hosts, owners });
    });
}

/** A config and a model of it. */
export function clusterArb(modes?: readonly Mode[]): fc.Arbitrary<Cluster> {
  return configArb.chain((config) => modelArb(config, modes).map((m) => ({ config, model: m })));
}

/** Check flips for some hosts. */
export function checkFlipsArb(config: Config): fc.Arbitrary<Record<string, HostChecks>> {
  const names = config.hosts.map((h) => h.name);
  return fc.dictionary(fc.constantFrom(...names), checksArb, { maxKeys: names.length });
}

/** mmm_control argument lists, valid and invalid. */
export function commandArb(config: Config): fc.Arbitrary<readonly string[]> {
  const hosts = [...config.hosts.map((h) => h.name), 'db9'];
  const roles = [...config.roles.map((r) => r.name), 'nope'];
  const ips = [...config.roles.flatMap((r) => r.ips), '10.0.0.1'];
  const h = fc.constantFrom(...hosts);
  const checkName = fc.constantFrom<CheckName | 'all' | 'bogus'>(
    'ping',
    'mysql',
    'rep_threads',
    'rep_backlog',
    'all',
    'bogus',
  );
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(['set_active'], ['set_manual'], ['set_passive']) },
    fc.constantFrom(['help'], ['ping'], ['show'], ['mode'], ['checks']),
    fc.tuple(fc.constantFrom('set_online', 'set_offline'), h).map((a) => [...a]),
    fc.tuple(fc.constant('checks'), h, checkName).map((a) => [...a]),
    fc.tuple(fc.constant('move_role'), fc.constantFrom(...roles), h).map((a) => [...a]),
    fc.tuple(fc.constant('move_role'), fc.constant('--force'), fc.constantFrom(...roles), h).map((a) => [...a]),
    fc.tuple(fc.constant('set_ip'), fc.constantFrom(...ips), h).map((a) => [...a]),
    fc.array(fc.constantFrom('show', 'db1', 'writer', '--force', ' ', ''), { maxLength: 4 }),
  );
}
