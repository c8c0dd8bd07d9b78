import { describe, expect, it } from 'vitest';
import { holdBackOldWriterRoles } from '../../../../../monitor/core/failover/hold-back.js';
import type { DesiredAgentState } from '../../../../../monitor/core/types.js';

const state = (roles: string[]): DesiredAgentState => ({ state: 'ONLINE', roles, activeMaster: 'db2' });

describe('holdBackOldWriterRoles', () => {
  it("keeps the old writer's reader VIP off the other hosts for this tick, never the writer role", () => {
    const desired = {
      db2: state(['reader(198.18.0.102)', 'writer(198.18.0.100)']),
      db3: state(['reader(198.18.0.101)', 'reader(198.18.0.103)']),
      db4: state(['reader(198.18.0.104)']),
    };
    const out = holdBackOldWriterRoles(desired, [['reader(198.18.0.101)', 'writer(198.18.0.100)']], 'writer');
    expect(out['db2']).toBe(desired.db2);
    expect(out['db3']).toEqual(state(['reader(198.18.0.103)']));
    expect(out['db4']).toBe(desired.db4);
  });

  it('changes nothing without old writers or roles', () => {
    const desired = { db2: state(['writer(198.18.0.100)']) };
    expect(holdBackOldWriterRoles(desired, [], 'writer')).toEqual(desired);
    expect(holdBackOldWriterRoles(desired, [[]], 'writer')).toEqual(desired);
  });
});
