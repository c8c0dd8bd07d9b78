import { describe, expect, it } from 'vitest';
import { leaseRelayTarget, type RelayInput } from '../../../monitor/lease-relay.js';

const cut: RelayInput = {
  writer: 'db1',
  state: 'ONLINE',
  holding: 'open',
  agentReachable: false,
  lastAnswerAgoMs: 2500,
  verdict: 'reachable-by-replicas',
  leaseMs: 3000,
  tickMs: 250,
};

describe('leaseRelayTarget', () => {
  it('relays the writer when the monitor lost its agent but the replicas still replicate from it', () => {
    expect(leaseRelayTarget(cut)).toBe('db1');
  });

  it.each([
    [
      'agent not flagged yet, silent for more than a third of the lease',
      { agentReachable: true, lastAnswerAgoMs: 1001 },
    ],
    ['agent flagged unreachable, last answer recent', { lastAnswerAgoMs: 10 }],
    ['no answer since the monitor started', { agentReachable: true, lastAnswerAgoMs: undefined }],
  ] as const)('relays: %s', (_name, over: Partial<RelayInput>) => {
    expect(leaseRelayTarget({ ...cut, ...over })).toBe('db1');
  });

  it.each([
    ['no writer', { writer: undefined }],
    ['lease off', { leaseMs: 0 }],
    ['writer not ONLINE', { state: 'HARD_OFFLINE' }],
    ['writer not open (pending promote)', { holding: 'pending-promote' }],
    ['writer fenced', { holding: 'none' }],
    ['verdict dead: a failover may come', { verdict: 'dead' }],
    ['verdict unknown', { verdict: 'unknown' }],
    ['verdict alive: the monitor reaches mysqld, only the agent is gone', { verdict: 'alive' }],
    ['corroboration off', { verdict: undefined }],
    ['agent answers', { agentReachable: true, lastAnswerAgoMs: 1000 }],
    ['slow tick: silent for less than a tick', { agentReachable: true, lastAnswerAgoMs: 1900, tickMs: 2000 }],
  ] as const)('no relay: %s', (_name, over: Partial<RelayInput>) => {
    expect(leaseRelayTarget({ ...cut, ...over })).toBeNull();
  });
});
