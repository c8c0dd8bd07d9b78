import { describe, expect, it } from 'vitest';
import type { AgentStatusReport } from '../../../common/api/agent.js';
import { agentViewOf, parseRoleIp, replicationOf, systemViewOf, toDesiredState } from '../../../monitor/agent-link.js';

const report = (over: Partial<AgentStatusReport>): AgentStatusReport =>
  ({
    host: 'db3',
    osUptimeS: 77,
    hostState: 'ONLINE',
    roles: [{ role: 'reader', ip: '198.18.0.103' }],
    activeMaster: 'db1',
    stamp: { epoch: 2, seq: 9 },
    vips: { bound: [{ role: 'reader', ip: '198.18.0.103' }], error: null },
    mysql: {
      up: true,
      readOnly: true,
      replication: {
        sourceHost: 'db1',
        sourceIp: '198.18.0.11',
        ioRunning: 'connecting',
        sqlRunning: true,
        secondsBehind: null,
        executed: { gtid: '0-1-5', file: null, pos: null },
      },
    },
    ...over,
  }) as unknown as AgentStatusReport;

describe('agent link conversions', () => {
  it('turns the core desired state into the wire form', () => {
    expect(
      toDesiredState('db1', 3, 17, {
        state: 'ONLINE',
        roles: ['reader(198.18.0.101)', 'writer(198.18.0.100)'],
        activeMaster: 'db1',
      }),
    ).toEqual({
      host: 'db1',
      epoch: 3,
      seq: 17,
      state: 'ONLINE',
      roles: [
        { role: 'reader', ip: '198.18.0.101' },
        { role: 'writer', ip: '198.18.0.100' },
      ],
      activeMaster: 'db1',
    });
    expect(toDesiredState('db2', 1, 1, { state: 'HARD_OFFLINE', roles: [], activeMaster: '' }).activeMaster).toBeNull();
    expect(() => toDesiredState('db2', 1, 1, { state: 'UNKNOWN', roles: [], activeMaster: '' })).toThrow(/UNKNOWN/);
    expect(() => parseRoleIp('reader')).toThrow(/malformed role id 'reader'/);
  });

  it("gives the startup reconciliation MMM's agent and system views", () => {
    expect(agentViewOf(report({}))).toEqual({
      state: 'ONLINE',
      roles: ['reader(198.18.0.103)'],
      master: 'db1',
      uptime: 77,
    });
    expect(systemViewOf(report({}))).toEqual({
      writable: false,
      roles: ['reader(198.18.0.103)'],
      masterIp: '198.18.0.11',
    });
    const down = report({ mysql: { up: false, error: { code: 'MMM_MYSQL_UNREACHABLE', message: 'down' } } });
    expect(systemViewOf(down)).toEqual({ writable: false, roles: ['reader(198.18.0.103)'], masterIp: '' });
    expect(replicationOf(down, 5)).toBeUndefined();
  });

  it('passes replication facts to the model', () => {
    expect(replicationOf(report({}), 1234)).toEqual({
      masterHost: 'db1',
      ioRunning: true,
      sqlRunning: true,
      secondsBehind: null,
      gtid: '0-1-5',
      observedAt: 1234,
    });
  });
});
