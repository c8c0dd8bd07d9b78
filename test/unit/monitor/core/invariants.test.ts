import { describe, expect, it } from 'vitest';
import { checkInvariants } from '../../../../monitor/core/invariants.js';
import { buildTopology } from '../../../../monitor/core/topology.js';
import { READER_IPS, SEED_OWNERS, WRITER_IP, model, role, seedConfig } from './fixtures.js';

const cfg = seedConfig();
const topo = buildTopology(cfg);

describe('safety invariants', () => {
  it('accepts the seed layout', () => {
    expect(checkInvariants(model(cfg, { owners: SEED_OWNERS }), topo)).toEqual([]);
  });

  it('finds two writers', () => {
    const two = seedConfig({ roles: [role('writer', 'exclusive', ['db1', 'db2'], [WRITER_IP, '198.18.0.99'])] });
    const m = model(two, { owners: { [WRITER_IP]: 'db1', '198.18.0.99': 'db2' } });
    expect(checkInvariants(m, buildTopology(two))).toEqual(["more than one writer: db1, db2 hold role 'writer'"]);
  });

  it('finds a VIP on two hosts', () => {
    const dup = seedConfig({ roles: [...cfg.roles, role('extra', 'balanced', ['db3', 'db4'], ['198.18.0.101'])] });
    const m = model(dup, { owners: { '198.18.0.101': 'db4' } });
    const twice = {
      ...m,
      roles: m.roles.map((s) => (s.role === 'reader' && s.ip === '198.18.0.101' ? { ...s, owner: 'db3' } : s)),
    };
    expect(checkInvariants(twice, buildTopology(dup))).toEqual([
      "VIP 198.18.0.101 is assigned to both 'db3' and 'db4'",
    ]);
  });

  it('finds a role on a host that may not hold it, or an unknown role', () => {
    const m = model(cfg, { owners: { [WRITER_IP]: 'db3' } });
    const ghost = { ...m, roles: [...m.roles, { role: 'ghost', ip: '10.0.0.1', owner: 'db1' }] };
    expect(checkInvariants(ghost, topo)).toEqual([
      "host 'db3' holds role writer(198.18.0.100) it may not hold",
      "host 'db1' holds role ghost(10.0.0.1) it may not hold",
    ]);
  });

  it('finds roles on hosts that are not ONLINE in ACTIVE mode only', () => {
    const m = model(cfg, { owners: { [READER_IPS[0]!]: 'db3' }, hosts: { db3: { state: 'HARD_OFFLINE' } } });
    expect(checkInvariants(m, topo)).toEqual(["host 'db3' holds role reader(198.18.0.101) while HARD_OFFLINE"]);
    for (const mode of ['MANUAL', 'WAIT', 'PASSIVE'] as const) {
      expect(checkInvariants({ ...m, mode }, topo)).toEqual([]);
    }
    const hosts = Object.fromEntries(Object.entries(m.hosts).filter(([n]) => n !== 'db3'));
    expect(checkInvariants({ ...m, hosts }, topo)).toEqual([
      "host 'db3' holds role reader(198.18.0.101) while unknown to the monitor",
    ]);
  });
});
