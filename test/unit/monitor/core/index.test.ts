// The public API the monitor shell uses: one import, pure functions.
import { describe, expect, it } from 'vitest';
import * as core from '../../../../monitor/core/index.js';
import { T0, seedConfig } from './fixtures.js';

describe('monitor core public API', () => {
  it('exports the entry points', () => {
    for (const name of [
      'decide',
      'runCommand',
      'reconcileStartup',
      'applySwitchover',
      'parseStatus',
      'serializeStatus',
      'renderShow',
      'renderChecks',
      'formatMmmDate',
      'checkInvariants',
      'desiredStates',
      'initialModel',
      'buildTopology',
    ]) {
      expect(typeof (core as Record<string, unknown>)[name]).toBe('function');
    }
    expect(core.HOST_STATES).toContain('AWAITING_RECOVERY');
    expect(core.DEFAULT_OPTIONS).toEqual({ failback: true });
  });

  it('works without options: failback defaults to on', () => {
    const cfg = seedConfig();
    const m = core.initialModel(core.buildTopology(cfg), T0);
    const out = core.runCommand(m, ['ping'], { config: cfg, now: T0, agentReachable: () => true, utcOffset: () => 0 });
    expect(out.response.text).toBe('OK: Pinged successfully!');
  });
});
