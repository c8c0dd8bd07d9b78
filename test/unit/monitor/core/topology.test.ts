import { describe, expect, it } from 'vitest';
import { MmmError } from '../../../../common/errors/index.js';
import {
  buildTopology,
  hostByIp,
  hostConfig,
  intOf,
  isMasterHost,
  perlCmp,
  roleOfIp,
} from '../../../../monitor/core/topology.js';
import { seedConfig } from './fixtures.js';

describe('topology', () => {
  const topo = buildTopology(
    seedConfig({ monitor: { flapDuration: 1.5, autoSetOnline: 30, waitForOtherMaster: 0, mode: 'wait' } }),
  );

  it('converts settings to milliseconds and the mode to its display name', () => {
    expect(topo.settings).toMatchObject({
      flapDurationMs: 1500,
      autoSetOnlineMs: 30_000,
      waitForOtherMasterMs: 0,
      mode: 'WAIT',
      flapCount: 3,
      carefulStartup: true,
    });
  });

  it('refuses a config without <monitor>', () => {
    const noMonitor = { ...seedConfig(), monitor: undefined };
    expect(() => buildTopology(noMonitor)).toThrow(MmmError);
    expect(() => buildTopology(noMonitor)).toThrow('the monitor needs a <monitor> section in its configuration');
  });

  it('looks hosts and roles up', () => {
    expect(hostConfig(topo, 'db3').ip).toBe('198.18.0.13');
    expect(() => hostConfig(topo, 'db9')).toThrow("unknown host 'db9' in the monitor core");
    expect(isMasterHost(topo, 'db2')).toBe(true);
    expect(isMasterHost(topo, 'db3')).toBe(false);
    expect(roleOfIp(topo, '198.18.0.102')?.name).toBe('reader');
    expect(roleOfIp(topo, '10.0.0.1')).toBeUndefined();
    expect(hostByIp(topo, '198.18.0.12')).toBe('db2');
    expect(hostByIp(topo, '')).toBeUndefined();
    expect(isMasterHost(buildTopology(seedConfig({ activeMasterRole: 'none' })), 'db1')).toBe(false);
  });

  it("compares like Perl's cmp and prints %d like Perl", () => {
    expect([perlCmp('a', 'b'), perlCmp('b', 'a'), perlCmp('a', 'a'), perlCmp('B', 'a')]).toEqual([-1, 1, 0, -1]);
    expect([intOf(59.9), intOf(-0.5), intOf(3)]).toEqual([59, 0, 3]);
  });
});
