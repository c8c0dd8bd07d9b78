// `checks` against the verbatim mmm_control outputs measured on the lab (mmm-measured.md §2).
import { describe, expect, it } from 'vitest';
import type { HostChecks } from '../../../../../monitor/core/types.js';
import { T0, checks, command, host, model, seedConfig } from '../fixtures.js';

const cfg = seedConfig();
const at = Date.UTC(2026, 10, 22, 2, 17, 6);
const CONNECT =
  "Connect error (host = 198.18.0.11:3306, user = mmm_monitor)! Can't connect to server on '198.18.0.11' (115)";
const db1Down: HostChecks = {
  ping: { state: 'ok', message: 'OK', lastChange: at },
  mysql: { state: 'failed', message: `ERROR: ${CONNECT}`, lastChange: at },
  rep_threads: { state: 'failed', message: `UNKNOWN: ${CONNECT}`, lastChange: at },
  rep_backlog: { state: 'failed', message: `UNKNOWN: ${CONNECT}`, lastChange: at },
};

describe('checks (golden samples)', () => {
  it('checks all: every host, the four checks padded to 11, host names padded to the longest', () => {
    const out = command(model(cfg), ['checks', 'all']);
    expect(`${out.response.text}\n`.split('\n').slice(0, 5)).toEqual([
      'db1  ping         [last change: 2026/11/22 02:03:45]  OK',
      'db1  mysql        [last change: 2026/11/22 02:03:45]  OK',
      'db1  rep_threads  [last change: 2026/11/22 02:03:45]  OK',
      'db1  rep_backlog  [last change: 2026/11/22 02:03:45]  OK: Backlog is null',
      'db2  ping         [last change: 2026/11/22 02:03:45]  OK',
    ]);
    expect(out.response.text.split('\n')).toHaveLength(17);
    expect(out.response.text.endsWith('OK: Backlog is null\n')).toBe(true);
    expect(command(model(cfg), ['checks']).response.text).toBe(out.response.text);
  });

  it('checks db1 after a start with db1 down: UNKNOWN stored by the initial checks', () => {
    const m = model(cfg, { hosts: { db1: { state: 'HARD_OFFLINE', checks: db1Down } } });
    expect(`${command(m, ['checks', 'db1']).response.text}\n`).toBe(
      'db1  ping         [last change: 2026/11/22 02:17:06]  OK\n' +
        `db1  mysql        [last change: 2026/11/22 02:17:06]  ERROR: ${CONNECT}\n` +
        `db1  rep_threads  [last change: 2026/11/22 02:17:06]  UNKNOWN: ${CONNECT}\n` +
        `db1  rep_backlog  [last change: 2026/11/22 02:17:06]  UNKNOWN: ${CONNECT}\n` +
        '\n',
    );
  });

  it('checks db1 mysql: one line, 2-space separators, no padding, no newline', () => {
    const m = model(cfg, { hosts: { db1: { checks: db1Down } } });
    const out = command(m, ['checks', 'db1', 'mysql']);
    expect(out.response.text).toBe(`db1  mysql  [last change: 2026/11/22 02:17:06]  ERROR: ${CONNECT}`);
    expect(out.response.data).toEqual({
      checks: [{ host: 'db1', check: 'mysql', state: 'failed', lastChange: at, message: `ERROR: ${CONNECT}` }],
    });
  });

  it('checks all <check>: host names padded to the longest configured one, check not padded', () => {
    const config = seedConfig({
      hosts: [host('db1', '198.18.0.11', 'master', 'db10'), host('db10', '198.18.0.12', 'master', 'db1')],
      roles: [],
      activeMasterRole: 'writer',
    });
    const m = model(config, { hosts: { db10: { checks: checks({ rep_backlog: false }, T0 + 61_000) } } });
    expect(command(m, ['checks', 'all', 'rep_backlog'], { cfg: config }).response.text).toBe(
      'db1   rep_backlog  [last change: 2026/11/22 02:03:45]  OK: Backlog is null\n' +
        'db10  rep_backlog  [last change: 2026/11/22 02:04:46]  ERROR: rep_backlog failed\n',
    );
    expect(command(m, ['checks', 'all', 'all'], { cfg: config }).response.text.split('\n')[0]).toBe(
      'db1   ping         [last change: 2026/11/22 02:03:45]  OK',
    );
  });

  it('uses local time through the given UTC offset', () => {
    expect(command(model(cfg), ['checks', 'db2', 'ping'], { offset: 60 }).response.text).toBe(
      'db2  ping  [last change: 2026/11/22 03:03:45]  OK',
    );
  });

  it("treats a missing, empty or '0' argument as all (Perl's `shift || 'all'`)", () => {
    const all = command(model(cfg), ['checks']).response.text;
    expect(command(model(cfg), ['checks', '0']).response.text).toBe(all);
    expect(command(model(cfg), ['checks', 'all', '0']).response.text).toBe(all);
  });

  it.each([
    [['checks', 'db9'], "ERROR: Unknown host name 'db9'!"],
    [['checks', 'all', 'foo'], "ERROR: Unknown check 'foo'!"],
    [['checks', 'db9', 'foo'], "ERROR: Unknown check 'foo'!"],
    [['checks', 'db1', 'Ping'], "ERROR: Unknown check 'Ping'!"],
  ])('%j → %s', (args, text) => {
    expect(command(model(cfg), args).response).toEqual({ ok: false, exitCode: 1, text });
  });
});
