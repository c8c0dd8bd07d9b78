import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ERRORS, MmmError, describeError } from '../../../common/errors/index.js';
import { Secret } from '../../../common/config/secret.js';

describe('MmmError', () => {
  it('takes status and retryability from the registry', () => {
    const e = new MmmError('MMM_TIMEOUT', 'catch-up took longer than 5 s');
    expect(e.status).toBe(504);
    expect(e.retryable).toBe(true);
    expect(e.toJSON()).toEqual({ code: 'MMM_TIMEOUT', message: 'catch-up took longer than 5 s', retryable: true });
  });

  it('falls back to the registry message', () => {
    expect(new MmmError('MMM_UNAUTHORIZED').message).toBe(ERRORS.MMM_UNAUTHORIZED.message);
  });

  it('describes foreign throwables', () => {
    expect(describeError(new Error('x'))).toBe('x');
    expect(describeError('y')).toBe('y');
  });
});

describe('Secret', () => {
  it('never prints its value', () => {
    const s = new Secret('hunter2');
    expect(String(s)).toBe('***');
    expect(JSON.stringify({ password: s })).toBe('{"password":"***"}');
    expect(inspect({ s })).not.toContain('hunter2');
    expect(s.reveal()).toBe('hunter2');
  });
});
