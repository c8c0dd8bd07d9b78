// Texts the shell logs itself, and the %d formatting of MMM's numbers.
import { describe, expect, it } from 'vitest';
import { logText } from '../../../../monitor/core/messages.js';

describe('MMM log texts', () => {
  it('has the kill notice the shell logs when a fenced host cannot be told', () => {
    expect(logText.killing('db1')).toBe("Can't send offline status notification to 'db1' - killing it!");
  });

  it('prints durations with %d (truncated)', () => {
    expect(logText.shortDowntime('db1', 22.9)).toBe(
      "State of host 'db1' changed from AWAITING_RECOVERY to ONLINE because it was down for only 22 seconds",
    );
    expect(logText.waitTimeout('db2', 1.5)).toBe(
      "Master db2 did not come online for 1(wait_for_other_master) seconds. Switching from mode 'WAIT' to 'ACTIVE'",
    );
    expect(logText.startedIn('MANUAL')).toBe('Monitor started in manual mode.');
  });
});
