import { describe, expect, it } from 'vitest';
import type { Clock } from '../src/clock.js';
import {
  DEFAULT_RETRY_OPTIONS,
  REQUEST_TIMEOUT_CODE,
  classifyError,
  classifyResponse,
  computeRetryDelay,
  findErrorCode,
  parseHttpDate,
  parseRetryAfter,
  shouldRetry,
  type RetryOptions,
} from '../src/http/retry.js';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const fixedClock: Clock = { now: () => NOW };

function errorWithCode(code: string): Error {
  return Object.assign(new Error(`failed with ${code}`), { code });
}

describe('classifyResponse', () => {
  it.each([429, 503])('status %i is safe to resend', (status) => {
    const failure = classifyResponse(status, undefined);
    expect(failure.retryable).toBe(true);
    expect(failure.safeToResend).toBe(true);
    expect(failure.outcomeUnknown).toBe(false);
  });

  it.each([500, 502, 504])('status %i leaves outcome unknown', (status) => {
    const failure = classifyResponse(status, undefined);
    expect(failure.retryable).toBe(true);
    expect(failure.safeToResend).toBe(false);
    expect(failure.outcomeUnknown).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 422, 301, 302, 501])(
    'status %i is not retried',
    (status) => {
      const failure = classifyResponse(status, 'IMG.0027');
      expect(failure.retryable).toBe(false);
      expect(failure.outcomeUnknown).toBe(false);
    },
  );

  it.each([
    [429, 'APIGW.0308'],
    [429, 'APIG.0308'],
    [400, 'IMG.0060'],
    [500, 'IMG.0060'],
  ])('status %i code %s throttles', (status, code) => {
    const failure = classifyResponse(status, code);
    expect(failure.retryable).toBe(true);
    expect(failure.safeToResend).toBe(true);
    expect(failure.outcomeUnknown).toBe(false);
  });

  it('classifyResponse names status and code', () => {
    expect(classifyResponse(400, 'IMG.0060').cause).toBe('HTTP 400 IMG.0060');
    expect(classifyResponse(502, undefined).cause).toBe('HTTP 502');
  });
});

describe('classifyError', () => {
  it.each([
    'ECONNREFUSED',
    'UND_ERR_CONNECT_TIMEOUT',
    'EAI_AGAIN',
    'ENETUNREACH',
    'EHOSTUNREACH',
  ])('%s is retried as not sent', (code) => {
    const failure = classifyError(errorWithCode(code));
    expect(failure.retryable).toBe(true);
    expect(failure.safeToResend).toBe(true);
    expect(failure.outcomeUnknown).toBe(false);
  });

  it.each([
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'UND_ERR_SOCKET',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_CLOSED',
    REQUEST_TIMEOUT_CODE,
  ])('%s is retried as maybe sent', (code) => {
    const failure = classifyError(errorWithCode(code));
    expect(failure.retryable).toBe(true);
    expect(failure.safeToResend).toBe(false);
    expect(failure.outcomeUnknown).toBe(true);
  });

  it('ENOTFOUND is not sent, not retried', () => {
    const failure = classifyError(errorWithCode('ENOTFOUND'));
    expect(failure.retryable).toBe(false);
    expect(failure.safeToResend).toBe(true);
  });

  it.each(['UND_ERR_INVALID_ARG', 'ERR_TLS_CERT_ALTNAME_INVALID'])(
    '%s is not retried',
    (code) => {
      expect(classifyError(errorWithCode(code)).retryable).toBe(false);
    },
  );

  it('error without code is not retried', () => {
    const failure = classifyError(new Error('odd'));
    expect(failure.retryable).toBe(false);
    expect(failure.outcomeUnknown).toBe(true);
    expect(failure.cause).toBe('network error');
  });

  it('findErrorCode follows cause chain', () => {
    const error = new Error('outer', {
      cause: new Error('middle', { cause: errorWithCode('ECONNRESET') }),
    });
    expect(findErrorCode(error)).toBe('ECONNRESET');
  });

  it('findErrorCode reads AggregateError member', () => {
    const error = new AggregateError([errorWithCode('ECONNREFUSED')], 'all');
    expect(findErrorCode(error)).toBe('ECONNREFUSED');
  });

  it('findErrorCode stops at depth limit', () => {
    let error: Error = errorWithCode('ECONNRESET');
    for (let i = 0; i < 6; i++) error = new Error('wrap', { cause: error });
    expect(findErrorCode(error)).toBeUndefined();
  });

  it('findErrorCode ignores non-objects', () => {
    expect(findErrorCode('ECONNRESET')).toBeUndefined();
    expect(findErrorCode(null)).toBeUndefined();
  });
});

describe('shouldRetry', () => {
  it('retries idempotent unknown outcome', () => {
    expect(shouldRetry(classifyResponse(502, undefined), true)).toBe(true);
  });

  it('keeps non-idempotent unknown outcome', () => {
    expect(shouldRetry(classifyResponse(502, undefined), false)).toBe(false);
    expect(shouldRetry(classifyError(errorWithCode('ECONNRESET')), false)).toBe(
      false,
    );
  });

  it('resends non-idempotent when not processed', () => {
    expect(shouldRetry(classifyResponse(503, undefined), false)).toBe(true);
    expect(shouldRetry(classifyResponse(400, 'IMG.0060'), false)).toBe(true);
    expect(
      shouldRetry(classifyError(errorWithCode('ECONNREFUSED')), false),
    ).toBe(true);
  });

  it('never retries permanent failure', () => {
    expect(shouldRetry(classifyResponse(404, undefined), true)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay seconds', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
  });

  it('reads IMF-fixdate relative to now', () => {
    expect(parseRetryAfter('Sat, 01 Jun 2024 12:00:30 GMT', NOW)).toBe(30_000);
  });

  it('reads RFC 850 date', () => {
    expect(parseRetryAfter('Saturday, 01-Jun-24 12:01:00 GMT', NOW)).toBe(
      60_000,
    );
  });

  it('reads asctime date', () => {
    expect(parseRetryAfter('Sat Jun  1 12:00:05 2024', NOW)).toBe(5_000);
  });

  it('clamps past date to zero', () => {
    expect(parseRetryAfter('Fri, 31 May 2024 12:00:00 GMT', NOW)).toBe(0);
  });

  it.each([
    undefined,
    '',
    '-5',
    '1.5',
    '5s',
    'soon',
    'Sat, 01 Foo 2024 12:00:30 GMT',
    'Sat, 01 Jun 2024 25:00:30 GMT',
    '2024-06-01T12:00:30Z',
  ])('rejects malformed value %j', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });

  it('parseHttpDate expands two-digit years', () => {
    const in2024 = Date.parse('2024-01-01T00:00:00Z');
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', in2024)).toBe(
      Date.parse('1994-11-06T08:49:37Z'),
    );
    expect(parseHttpDate('Monday, 06-Nov-73 08:49:37 GMT', in2024)).toBe(
      Date.parse('2073-11-06T08:49:37Z'),
    );
  });
});

describe('computeRetryDelay', () => {
  const options: RetryOptions = {
    maxAttempts: 5,
    baseDelayMs: 1_000,
    maxDelayMs: 30_000,
    maxRetryAfterMs: 60_000,
  };

  it('doubles the backoff ceiling per attempt', () => {
    const top = (): number => 0.999;
    expect(computeRetryDelay(1, undefined, options, fixedClock, top)).toBe(999);
    expect(computeRetryDelay(2, undefined, options, fixedClock, top)).toBe(
      1_998,
    );
    expect(computeRetryDelay(4, undefined, options, fixedClock, top)).toBe(
      7_992,
    );
  });

  it('caps backoff at max delay', () => {
    const delay = computeRetryDelay(
      10,
      undefined,
      options,
      fixedClock,
      () => 1,
    );
    expect(delay).toBe(30_000);
  });

  it('scales backoff by random jitter', () => {
    expect(computeRetryDelay(3, undefined, options, fixedClock, () => 0)).toBe(
      0,
    );
    expect(
      computeRetryDelay(3, undefined, options, fixedClock, () => 0.5),
    ).toBe(2_000);
  });

  it('uses Retry-After seconds', () => {
    expect(computeRetryDelay(1, '12', options, fixedClock, () => 0.5)).toBe(
      12_000,
    );
  });

  it('uses Retry-After date', () => {
    const delay = computeRetryDelay(
      1,
      'Sat, 01 Jun 2024 12:00:04 GMT',
      options,
      fixedClock,
      () => 0.5,
    );
    expect(delay).toBe(4_000);
  });

  it('caps Retry-After at its maximum', () => {
    expect(computeRetryDelay(1, '3600', options, fixedClock, () => 0.5)).toBe(
      60_000,
    );
  });

  it('falls back on bad Retry-After', () => {
    expect(computeRetryDelay(2, 'later', options, fixedClock, () => 0.5)).toBe(
      1_000,
    );
  });

  it('defaults match documented values', () => {
    expect(DEFAULT_RETRY_OPTIONS).toEqual({
      maxAttempts: 5,
      baseDelayMs: 1_000,
      maxDelayMs: 30_000,
      maxRetryAfterMs: 60_000,
    });
  });
});
