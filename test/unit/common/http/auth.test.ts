import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret } from '../../../../common/config/secret.js';
import type { SocketConfig } from '../../../../common/config/types.js';
import { MmmError } from '../../../../common/errors/index.js';
import { authFromSocketConfig, checkBearer } from '../../../../common/http/auth.js';

const token = new Secret('correct horse battery staple');

function refusal(f: () => void): MmmError {
  try {
    f();
  } catch (e) {
    if (e instanceof MmmError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('checkBearer', () => {
  it('accepts the token (scheme case-insensitive, trailing space allowed)', () => {
    const t = new Secret('abc.DEF-123');
    expect(() => {
      checkBearer('Bearer abc.DEF-123', t);
      checkBearer('bearer abc.DEF-123 ', t);
    }).not.toThrow();
  });

  it.each([
    [undefined, 'authentication required: send the header "Authorization: Bearer <token>"'],
    ['', 'authentication required: send the header "Authorization: Bearer <token>"'],
    ['Basic abc', 'malformed Authorization header: expected "Bearer <token>"'],
    ['Bearer', 'malformed Authorization header: expected "Bearer <token>"'],
    ['Bearer wrong', 'invalid token'],
    ['Bearer correct', 'invalid token'],
  ])('refuses %j with 401', (header, message) => {
    const e = refusal(() => {
      checkBearer(header, token);
    });
    expect(e.code).toBe('MMM_UNAUTHORIZED');
    expect(e.status).toBe(401);
    expect(e.message).toBe(message);
    expect(e.message).not.toContain(token.reveal());
  });
});

describe('authFromSocketConfig', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mmm-auth-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const socket = (over: Partial<SocketConfig>): SocketConfig => ({
    type: 'token',
    token: undefined,
    tokenFile: undefined,
    certFile: undefined,
    keyFile: undefined,
    caFile: undefined,
    ...over,
  });

  it('takes the token, or reads token_file (trimmed)', async () => {
    const a = await authFromSocketConfig(socket({ token: new Secret('t1') }), { insecure: false });
    expect(a.type === 'token' && a.token.reveal()).toBe('t1');
    const file = join(dir, 'token');
    await writeFile(file, 't2\n');
    const b = await authFromSocketConfig(socket({ tokenFile: file }), { insecure: false });
    expect(b.type === 'token' && b.token.reveal()).toBe('t2');
  });

  it.each([
    [{ tokenFile: '/nonexistent/token' }, "<socket> token_file '/nonexistent/token' cannot be read"],
    [{}, '<socket> type token needs token_file (or token)'],
    [{ type: 'ssl' as const, certFile: '/c' }, '<socket> type ssl needs cert_file, key_file and ca_file'],
    [{ type: 'plain' as const }, '<socket> type plain has no authentication; start with --insecure (labs only)'],
  ])('refuses %j', async (over, message) => {
    await expect(authFromSocketConfig(socket(over), { insecure: false })).rejects.toThrow(message);
  });

  it('refuses an empty token file and allows plain only with --insecure', async () => {
    const file = join(dir, 'empty');
    await writeFile(file, '\n');
    await expect(authFromSocketConfig(socket({ tokenFile: file }), { insecure: false })).rejects.toThrow('is empty');
    expect(await authFromSocketConfig(socket({ type: 'plain' }), { insecure: true })).toEqual({ type: 'plain' });
  });
});
