import { describe, expect, it } from 'vitest';
import {
  activeMasterOf,
  emptyRoleTable,
  exclusiveOwner,
  parseRoleId,
  passiveMasterOf,
  rolesOf,
  sortedRoleIds,
  weightedCount,
} from '../../../../monitor/core/role-slots.js';
import { buildTopology } from '../../../../monitor/core/topology.js';
import { SEED_OWNERS, WRITER_IP, model, role, seedConfig } from './fixtures.js';

const cfg = seedConfig();
const topo = buildTopology(cfg);

describe('role identities (spec §4.1)', () => {
  it('parses name(ip) with the name up to the last "("', () => {
    expect(parseRoleId('reader(198.18.0.101)')).toEqual({ role: 'reader', ip: '198.18.0.101' });
    expect(parseRoleId('odd(name)(10.0.0.1)')).toEqual({ role: 'odd(name)', ip: '10.0.0.1' });
    for (const bad of ['reader', 'reader()', '(1.2.3.4)', 'reader(1.2.3.4', ''])
      expect(parseRoleId(bad)).toBeUndefined();
  });

  it("sorts like Perl's sort on name(ip): plain string order", () => {
    expect(
      sortedRoleIds([
        { role: 'writer', ip: '198.18.0.100' },
        { role: 'reader', ip: '198.18.0.99' },
        { role: 'reader', ip: '198.18.0.101' },
        { role: 'Reader', ip: '1.1.1.1' },
      ]),
    ).toEqual(['Reader(1.1.1.1)', 'reader(198.18.0.101)', 'reader(198.18.0.99)', 'writer(198.18.0.100)']);
  });
});

describe('role table queries', () => {
  const m = model(cfg, { owners: SEED_OWNERS });
  it('starts with every configured IP orphaned, in config order', () => {
    expect(emptyRoleTable(topo).map((s) => `${s.role}(${s.ip}):${String(s.owner)}`)).toEqual([
      'writer(198.18.0.100):undefined',
      'reader(198.18.0.101):undefined',
      'reader(198.18.0.102):undefined',
      'reader(198.18.0.103):undefined',
      'reader(198.18.0.104):undefined',
    ]);
  });

  it('counts the writer as 0.5', () => {
    expect(weightedCount(m.roles, 'db1', 'writer')).toBe(1.5);
    expect(weightedCount(m.roles, 'db2', 'writer')).toBe(1);
    expect(rolesOf(m.roles, 'db1').map((s) => s.role)).toEqual(['writer', 'reader']);
  });

  it('finds the active and the passive master', () => {
    expect(activeMasterOf(m.roles, topo)).toBe('db1');
    expect(passiveMasterOf(m.roles, topo)).toBe('db2');
    expect(passiveMasterOf(model(cfg).roles, topo)).toBeUndefined();
    expect(exclusiveOwner(m.roles, 'nope')).toBeUndefined();
    const single = seedConfig({ roles: [role('writer', 'exclusive', ['db1'], [WRITER_IP])] });
    expect(
      passiveMasterOf(model(single, { owners: { [WRITER_IP]: 'db1' } }).roles, buildTopology(single)),
    ).toBeUndefined();
  });
});
