/**
 * Retry policy of the HTTP client: which responses and network errors are
 * transient, which of them prove that the service did not act on the request
 * (so that a non-idempotent request may be sent again), and how long to wait.
 */

import type { Clock } from '../clock.js';

/** Settings of the retry policy; delays are in milliseconds. */
export interface RetryOptions {
  /** Total attempts including the first; 1 disables retries. */
  maxAttempts: number;
  /** Backoff base: the first retry waits up to this long. */
  baseDelayMs: number;
  /** Upper bound of a backoff delay before jitter. */
  maxDelayMs: number;
  /** Upper bound of a delay taken from `Retry-After`. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/** Source of uniform random numbers in [0, 1), like `Math.random`. */
export type Random = () => number;

/** Classification of one failed attempt by the retry policy. */
export interface FailureClass {
  /** The failure is transient, so a later attempt may succeed. */
  retryable: boolean;
  /** The service surely did not act on the request, so any request may be sent again. */
  safeToResend: boolean;
  /** The service may have acted on the request, but no result came back. */
  outcomeUnknown: boolean;
  /** Short cause for logs, such as "HTTP 429 APIGW.0308" or "ECONNRESET". */
  cause: string;
}

/** Code of the error that the client raises when one attempt exceeds its time limit. */
export const REQUEST_TIMEOUT_CODE = 'ERR_REQUEST_TIMEOUT';

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([
  429, 500, 502, 503, 504,
]);

/** Statuses with which the service rejects a request without acting on it. */
export const REJECTED_UNPROCESSED_STATUSES: ReadonlySet<number> = new Set([
  429, 503,
]);

/** Statuses that leave open whether the service acted on the request. */
export const OUTCOME_UNKNOWN_STATUSES: ReadonlySet<number> = new Set([
  500, 502, 504,
]);

/**
 * Throttling codes, retried whatever the status: `APIGW.0308` and
 * `APIG.0308` from the API Gateway, `IMG.0060` from IMS flow control (sent
 * as HTTP 400). The service did not act on a throttled request.
 */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  'APIGW.0308',
  'APIG.0308',
  'IMG.0060',
]);

export const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  REQUEST_TIMEOUT_CODE,
]);

/** Error codes raised before any byte of the request reached the server. */
export const NOT_SENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** Classifies a non-2xx response by its status and the error code of its body. */
export function classifyResponse(
  status: number,
  code: string | undefined,
): FailureClass {
  const throttled = code !== undefined && THROTTLING_CODES.has(code);
  return {
    retryable: throttled || RETRYABLE_STATUSES.has(status),
    safeToResend: throttled || REJECTED_UNPROCESSED_STATUSES.has(status),
    outcomeUnknown: !throttled && OUTCOME_UNKNOWN_STATUSES.has(status),
    cause: code === undefined ? `HTTP ${status}` : `HTTP ${status} ${code}`,
  };
}

/**
 * Finds the Node or undici error code of `error`, looking through `cause`
 * chains and the first member of an `AggregateError` (raised when every
 * address of a host fails), at most five levels deep.
 */
export function findErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object'; depth++) {
    if (current === null) return undefined;
    const { code } = current as { code?: unknown };
    if (typeof code === 'string') return code;
    current =
      current instanceof AggregateError
        ? current.errors[0]
        : (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Classifies an error thrown while sending a request or reading its response. */
export function classifyError(error: unknown): FailureClass {
  const code = findErrorCode(error);
  const notSent = code !== undefined && NOT_SENT_ERROR_CODES.has(code);
  return {
    retryable: code !== undefined && RETRYABLE_ERROR_CODES.has(code),
    safeToResend: notSent,
    outcomeUnknown: !notSent,
    cause: code ?? 'network error',
  };
}

/**
 * Decides whether to send a request again after a failure. A non-idempotent
 * request is sent again only when the service surely did not act on it.
 */
export function shouldRetry(
  failure: FailureClass,
  idempotent: boolean,
): boolean {
  return failure.retryable && (idempotent || failure.safeToResend);
}

const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

// The three HTTP-date forms of RFC 9110, section 5.6.7.
const IMF_FIXDATE =
  /^[A-Z][a-z]{2}, (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE =
  /^[A-Z][a-z]+, (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE =
  /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * Converts a two-digit RFC 850 year: RFC 9110 reads a year that appears to
 * be more than 50 years in the future as the most recent past year with the
 * same last two digits.
 */
function expandTwoDigitYear(year: number, now: number): number {
  const currentYear = new Date(now).getUTCFullYear();
  let full = currentYear - (currentYear % 100) + year;
  if (full > currentYear + 50) full -= 100;
  return full;
}

/** Fields of an HTTP-date, with hours, minutes and seconds as digit strings in `time`. */
interface HttpDateFields {
  year: number;
  month: string;
  day: number;
  time: string[];
}

/** Splits an HTTP-date in any of its three forms into its fields. */
function matchHttpDate(value: string, now: number): HttpDateFields | undefined {
  const fixdate = IMF_FIXDATE.exec(value);
  if (fixdate) {
    const [day, month, year] = fixdate.slice(1, 4) as [string, string, string];
    return {
      year: Number(year),
      month,
      day: Number(day),
      time: fixdate.slice(4),
    };
  }
  const rfc850 = RFC850_DATE.exec(value);
  if (rfc850) {
    const [day, month, year] = rfc850.slice(1, 4) as [string, string, string];
    const fullYear = expandTwoDigitYear(Number(year), now);
    return { year: fullYear, month, day: Number(day), time: rfc850.slice(4) };
  }
  const asctime = ASCTIME_DATE.exec(value);
  if (!asctime) return undefined;
  const [month, day] = asctime.slice(1, 3) as [string, string];
  const time = asctime.slice(3, 6);
  return { year: Number(asctime[6]), month, day: Number(day.trim()), time };
}

/**
 * Parses an HTTP-date (IMF-fixdate, RFC 850 or asctime form) to milliseconds
 * since the epoch; returns undefined when it is malformed or out of range.
 * @param now milliseconds since the epoch, to expand a two-digit year
 */
export function parseHttpDate(value: string, now: number): number | undefined {
  const fields = matchHttpDate(value, now);
  if (fields === undefined) return undefined;
  const monthIndex = MONTHS.indexOf(fields.month);
  const [hours, minutes, seconds] = fields.time.map(Number) as [
    number,
    number,
    number,
  ];
  if (monthIndex < 0 || fields.day < 1 || fields.day > 31) return undefined;
  if (hours > 23 || minutes > 59 || seconds > 60) return undefined;
  const time = Date.UTC(fields.year, monthIndex, fields.day, hours, minutes);
  return time + seconds * 1_000;
}

/**
 * Parses a `Retry-After` value, either delay seconds or an HTTP-date, to a
 * delay in milliseconds from `now`. A date in the past gives 0. Returns
 * undefined for a missing or malformed value, such as a negative number.
 * @param now milliseconds since the epoch
 */
export function parseRetryAfter(
  value: string | undefined,
  now: number,
): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const date = parseHttpDate(trimmed, now);
  return date === undefined ? undefined : Math.max(0, date - now);
}

/**
 * Computes the delay in milliseconds before the next attempt. A valid
 * `Retry-After` value wins, capped at `maxRetryAfterMs`. Otherwise the delay
 * is exponential backoff with full jitter:
 * `random() * min(maxDelayMs, baseDelayMs * 2^(attempt - 1))`.
 * @param attempt number of the attempt that just failed, starting at 1
 */
export function computeRetryDelay(
  attempt: number,
  retryAfterHeader: string | undefined,
  options: RetryOptions,
  clock: Clock,
  random: Random,
): number {
  const retryAfter = parseRetryAfter(retryAfterHeader, clock.now());
  if (retryAfter !== undefined) {
    return Math.min(retryAfter, options.maxRetryAfterMs);
  }
  const ceiling = Math.min(
    options.maxDelayMs,
    options.baseDelayMs * 2 ** (attempt - 1),
  );
  return random() * ceiling;
}
