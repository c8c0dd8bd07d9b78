import { describe, expect, it } from 'vitest';
import { MmmError } from '../../../../common/errors/index.js';
import { describeValidation, mapError } from '../../../../common/http/errors.js';

describe('describeValidation', () => {
  it('names the field the way it appears in the JSON', () => {
    expect(
      describeValidation('body', [
        { keyword: 'required', instancePath: '/roles/2', params: { missingProperty: 'ip' } },
        { keyword: 'additionalProperties', instancePath: '', params: { additionalProperty: 'x' } },
        { keyword: 'enum', instancePath: '/state', params: { allowedValues: ['A', 'B'] } },
        { keyword: 'type', instancePath: '/a~1b/0', params: {}, message: 'must be integer' },
      ]),
    ).toBe(
      'body.roles[2].ip is required; body.x is not a known field; body.state must be one of ["A","B"]; body.a/b[0] must be integer',
    );
  });
});

describe('mapError', () => {
  it('keeps an MmmError with its status', () => {
    expect(mapError(new MmmError('MMM_STALE_EPOCH', 'old'), 100)).toEqual({
      status: 409,
      body: { error: { code: 'MMM_STALE_EPOCH', message: 'old', retryable: false } },
      serverFault: false,
    });
    expect(mapError(new MmmError('MMM_MYSQL_UNREACHABLE', 'down'), 100).serverFault).toBe(true);
  });

  it('never passes a foreign error text on: 500 MMM_INTERNAL', () => {
    const mapped = mapError(new Error('password=hunter2 leaked by a bug'), 100);
    expect(mapped).toEqual({
      status: 500,
      body: { error: { code: 'MMM_INTERNAL', message: 'internal error', retryable: false } },
      serverFault: true,
    });
  });

  it('keeps fastify 4xx errors 4xx', () => {
    const e = Object.assign(new Error('x'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
    expect(mapError(e, 100)).toMatchObject({
      status: 415,
      body: { error: { code: 'MMM_BAD_REQUEST', message: 'unsupported Content-Type; send application/json' } },
    });
    const tooLarge = Object.assign(new Error('x'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    expect(mapError(tooLarge, 2048).body.error.message).toBe('request body is larger than the limit of 2048 bytes');
  });
});
