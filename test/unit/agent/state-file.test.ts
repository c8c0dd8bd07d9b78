import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_MEMORY, compareStamps, createStateStore, type AgentMemory } from '../../../agent/state-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mmm-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const memory: AgentMemory = {
  stamp: { epoch: 4, seq: 17 },
  hostState: 'ONLINE',
  roles: [{ role: 'writer', ip: '198.18.30.250' }],
  activeMaster: 'db1',
  writerGrant: true,
  replicationHeld: false,
};

describe('agent state file', () => {
  it('starts empty, then round-trips what was saved (directory created)', async () => {
    const store = createStateStore(join(dir, 'sub', 'agent.state'));
    expect(await store.load()).toEqual(EMPTY_MEMORY);
    await store.save(memory);
    expect(await createStateStore(join(dir, 'sub', 'agent.state')).load()).toEqual(memory);
    expect(JSON.parse(await readFile(join(dir, 'sub', 'agent.state'), 'utf8'))).toMatchObject({ format: 1 });
  });

  it.each([
    ['not json'],
    ['{"format":2}'],
    ['{"format":1,"stamp":{"epoch":"x"},"hostState":"ONLINE","roles":[],"activeMaster":null}'],
    ['[]'],
  ])('refuses a damaged file naming it: %s', async (content) => {
    const path = join(dir, 'agent.state');
    await writeFile(path, content);
    await expect(createStateStore(path).load()).rejects.toThrow(`agent state file ${path} is unreadable`);
  });

  it('orders stamps by epoch, then sequence', () => {
    expect(compareStamps({ epoch: 2, seq: 0 }, { epoch: 1, seq: 99 })).toBeGreaterThan(0);
    expect(compareStamps({ epoch: 2, seq: 3 }, { epoch: 2, seq: 4 })).toBeLessThan(0);
    expect(compareStamps({ epoch: 2, seq: 3 }, { epoch: 2, seq: 3 })).toBe(0);
  });
});
