/**
 * HTTP client of the action: sends one JSON API request with undici, signs
 * every attempt afresh, retries by the policy in `retry.ts` and turns
 * failures into `ApiError`, `NetworkError` or `CancelledError`.
 */

import { percentEncode } from '../auth/canonical.js';
import { realSleep, systemClock, type Clock, type Sleep } from '../clock.js';
import {
  ApiError,
  CancelledError,
  NetworkError,
  type RequestContext,
} from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import {
  DEFAULT_RETRY_OPTIONS,
  REQUEST_TIMEOUT_CODE,
  classifyError,
  classifyResponse,
  computeRetryDelay,
  findErrorCode,
  shouldRetry,
  type FailureClass,
  type Random,
  type RetryOptions,
} from './retry.js';
import type {
  ApiRequest,
  ApiResponse,
  Authorizer,
  OutgoingRequest,
} from './types.js';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from './undici.js';

/** Settings of `HttpClient`; only `authorize` is required. */
export interface HttpClientOptions {
  authorize: Authorizer;
  /** Time limit of each attempt in milliseconds, up to the end of the body; default 30 000. */
  requestTimeoutMs?: number | undefined;
  retry?: Partial<RetryOptions>;
  clock?: Clock | undefined;
  sleep?: Sleep | undefined;
  random?: Random | undefined;
  logger?: Logger | undefined;
  /** `User-Agent` header value; it is not signed. */
  userAgent?: string | undefined;
  /** Maximum requests in flight at once through this client; unlimited when absent. */
  maxInFlight?: number | undefined;
  /**
   * Time on `clock`, in ms, by which the caller must be done: the step's
   * `timeout`. The client starts no retry whose wait would end after it, and
   * cuts each attempt's time limit to the time left, but to no less than
   * `minAttemptMs`.
   */
  deadline?: number | undefined;
  /** Shortest attempt time limit near or past `deadline`; default `MIN_ATTEMPT_MS`. */
  minAttemptMs?: number | undefined;
  /**
   * undici dispatcher for every request. Without it, loopback hosts are
   * reached directly and other hosts through an `EnvHttpProxyAgent`, which
   * reads `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY`.
   */
  dispatcher?: Dispatcher | undefined;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * Shortest time limit of an attempt near or past the deadline. A last read,
 * such as the job query or the members after a job that ended in time,
 * still gets the response of a slow but healthy service.
 */
export const MIN_ATTEMPT_MS = 10_000;
export const DEFAULT_USER_AGENT = 'ims-share-images-action';

/** Maximum length of the service message kept from a non-JSON error body, in characters. */
const MAX_TEXT_MESSAGE_LENGTH = 500;

/** A request with its body serialised once, ready for every attempt. */
interface PreparedRequest {
  source: ApiRequest;
  url: URL;
  /** Headers with lower-case names, before authorization. */
  headers: Record<string, string>;
  body: Buffer | undefined;
  context: RequestContext;
}

/** Status, headers and body text of one response. */
interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

type AttemptOutcome =
  | { kind: 'success'; response: ApiResponse }
  | {
      kind: 'failure';
      error: ApiError | NetworkError;
      failure: FailureClass;
      retryAfter: string | undefined;
    };

/** Error code and message found in an error body. */
interface ServiceError {
  code: string | undefined;
  message: string | undefined;
  requestId: string | undefined;
}

/** Returns true for `localhost`, `*.localhost`, 127.0.0.0/8 and `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Copies `url` with its query re-encoded the way it is signed (`%20` for a
 * space, never `+`), so that the gateway decodes the same values.
 */
export function encodeQueryForWire(url: URL): URL {
  const wire = new URL(url);
  const pairs = [...url.searchParams].map(([key, value]) => {
    return `${percentEncode(key)}=${percentEncode(value)}`;
  });
  wire.search = pairs.join('&');
  return wire;
}

function lowerCaseNames(
  headers: Readonly<Record<string, string>>,
): Record<string, string> {
  const lowered: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    lowered[name.toLowerCase()] = value;
  }
  return lowered;
}

function prepareRequest(
  source: ApiRequest,
  userAgent: string,
): PreparedRequest {
  const headers = lowerCaseNames(source.headers ?? {});
  let body: Buffer | undefined;
  if (source.body !== undefined) {
    body = Buffer.from(JSON.stringify(source.body), 'utf8');
    // The official Node.js SDK signs plain `application/json`.
    headers['content-type'] = 'application/json';
  }
  headers['user-agent'] = userAgent;
  const context: RequestContext = {
    operation: source.operation,
    method: source.method,
    path: source.url.pathname,
  };
  return {
    source,
    url: encodeQueryForWire(source.url),
    headers,
    body,
    context,
  };
}

/** Joins repeated response headers with `, ` under lower-case names. */
function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  return typeof value === 'number' ? String(value) : undefined;
}

/** Finds the first object property that has a `code` or `message`, as in OpenStack bodies. */
function findNestedError(body: Record<string, unknown>): ServiceError {
  for (const value of Object.values(body)) {
    if (!isRecord(value)) continue;
    const code = asText(value['code']);
    const message = asText(value['message']);
    if (code !== undefined || message !== undefined) {
      return { code, message, requestId: undefined };
    }
  }
  return { code: undefined, message: undefined, requestId: undefined };
}

/**
 * Reads the error code and message of a JSON error body the way the official
 * SDKs do. The code is `error.code` (IMS), else `error_code` (API Gateway,
 * IAM), else the `code` of a nested object. The message comes likewise from
 * `error.message`, `error_msg` or a nested `message`.
 */
export function parseErrorBody(body: unknown): ServiceError {
  if (!isRecord(body)) {
    return { code: undefined, message: asText(body), requestId: undefined };
  }
  const error = body['error'];
  const nested = findNestedError(body);
  const code = isRecord(error) ? asText(error['code']) : undefined;
  const message = isRecord(error) ? asText(error['message']) : asText(error);
  return {
    code: code ?? asText(body['error_code']) ?? nested.code,
    // A top-level `message` is the form of the runner's ID-token endpoint.
    message:
      message ??
      asText(body['error_msg']) ??
      nested.message ??
      asText(body['message']),
    requestId: asText(body['request_id']),
  };
}

/** Parses a body as JSON; returns undefined for an empty body and throws SyntaxError for invalid JSON. */
function parseJson(text: string): unknown {
  return text.trim() === '' ? undefined : JSON.parse(text);
}

/** Reads the service error from a JSON body, or keeps a non-JSON body as text. */
function readServiceError(text: string): ServiceError {
  try {
    return parseErrorBody(parseJson(text));
  } catch {
    const collapsed = text.replace(/\s+/g, ' ').trim();
    return {
      code: undefined,
      message: collapsed.slice(0, MAX_TEXT_MESSAGE_LENGTH) || undefined,
      requestId: undefined,
    };
  }
}

/**
 * Lists the secret values among the headers that an authorizer added: the
 * tokens, and the access key and signature inside `Authorization`.
 */
function collectSecrets(authHeaders: Record<string, string>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(authHeaders)) {
    if (name.toLowerCase() === 'x-sdk-date') continue;
    secrets.push(value);
    for (const match of value.matchAll(/(?:Access|Signature)=([^,\s]+)/g)) {
      secrets.push(match[1] ?? '');
    }
  }
  return secrets.filter((secret) => secret.length >= 8);
}

/**
 * Replaces every secret in `text` with `[REDACTED]`. An API Gateway 401
 * message can echo the canonical request, which contains signed header
 * values such as `x-security-token`.
 */
export function redactSecrets(
  text: string,
  secrets: readonly string[],
): string {
  let redacted = text;
  for (const secret of secrets)
    redacted = redacted.split(secret).join('[REDACTED]');
  return redacted;
}

const CLOCK_SKEW_PATTERN =
  /x-sdk-date|timestamp|clock|time\b.{0,40}\b(out of range|range|skew)|request\b.{0,20}\bexpired/i;

/** Start of the operation of the runner's ID-token request (`src/cloud/github-oidc.ts`). */
export const ID_TOKEN_OPERATION = 'request a GitHub ID token';

/** Paths of the requests that exchange a GitHub ID token for IAM credentials. */
const ID_TOKEN_EXCHANGE_PATH =
  /\/OS-AUTH\/id-token\/tokens$|\/assume-with-oidc$/;

/** Suggests a fix for a failed response, or returns undefined when there is none to give. */
function hintFor(
  context: RequestContext,
  status: number,
  error: ServiceError,
): string | undefined {
  if (status >= 300 && status < 400) {
    return 'Redirects are not followed because they would resend signed headers; check the endpoint URL (scheme, host and region).';
  }
  // A signature mismatch echoes the canonical request, which names the
  // x-sdk-date header, so it must not read as a clock problem.
  const signatureMismatch = /signature/i.test(error.message ?? '');
  if (
    status === 401 &&
    !signatureMismatch &&
    CLOCK_SKEW_PATTERN.test(error.message ?? '')
  ) {
    return "The runner's clock may be off: the X-Sdk-Date header must be within 15 minutes of the service time, so synchronise the clock (NTP).";
  }
  if (status === 401 && signatureMismatch) {
    return 'The signature did not match: check that the secret key belongs to the access key (and the security token to temporary keys).';
  }
  if (status === 401 && context.operation.startsWith(ID_TOKEN_OPERATION)) {
    return 'The runner did not accept the ID-token request: the job needs "permissions: id-token: write", and its request token is valid only while the job runs.';
  }
  if (status === 401 && ID_TOKEN_EXCHANGE_PATH.test(context.path)) {
    return "The cloud did not accept the GitHub ID token: check identity-provider (or agency) and that the provider's client ID, rules or trust policy allow this repository's token.";
  }
  if (status === 401 && /password|user ?name/i.test(error.message ?? '')) {
    return 'Check user-name, password and domain-name (the account name).';
  }
  if (status === 401) {
    return 'Check the credentials: the access key and secret key (with the security token for temporary keys) or the IAM token, which expire; they must belong to this cloud and region.';
  }
  if (status === 403) {
    return 'The IAM user or agency lacks a permission that this operation needs; grant it in IAM.';
  }
  if (status === 404) {
    return 'Check the endpoint, the region and the IDs in the request.';
  }
  return undefined;
}

function describeTarget(context: RequestContext): string {
  return `Failed to ${context.operation} (${context.method} ${context.path})`;
}

/** Builds the message of an `ApiError` from its parts. */
export function formatApiErrorMessage(
  context: RequestContext,
  status: number,
  error: ServiceError,
  note: string | undefined,
): string {
  let message = `${describeTarget(context)}: HTTP ${status}`;
  if (error.code !== undefined && error.code !== String(status)) {
    message += ` ${error.code}`;
  }
  if (error.message !== undefined) {
    message += `: ${error.message.replace(/[.\s]+$/, '')}`;
  }
  if (error.requestId !== undefined) {
    message += ` (request ID ${error.requestId})`;
  }
  message += '.';
  const hint = hintFor(context, status, error);
  if (hint !== undefined) message += ` ${hint}`;
  if (note !== undefined) message += ` ${note}`;
  return message;
}

/** Formats milliseconds as seconds with at most three decimals: 2000 as "2", 150 as "0.15". */
function formatSeconds(ms: number): string {
  return String(Math.round(ms) / 1_000);
}

/**
 * Sends JSON API requests with per-attempt signing, time limits and retries.
 * Call `close()` when done so that idle keep-alive sockets do not keep the
 * process running.
 */
export class HttpClient {
  private readonly authorize: Authorizer;
  private readonly requestTimeoutMs: number;
  private readonly retry: RetryOptions;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: Random;
  private readonly logger: Logger;
  private readonly userAgent: string;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly deadline: number | undefined;
  private readonly minAttemptMs: number;
  private readonly ownedDispatchers: Dispatcher[] = [];
  private directAgent: Agent | undefined;
  private proxyAgent: EnvHttpProxyAgent | undefined;

  constructor(options: HttpClientOptions) {
    this.authorize = options.authorize;
    this.requestTimeoutMs =
      options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!(
      this.requestTimeoutMs > 0 && Number.isFinite(this.requestTimeoutMs)
    )) {
      throw new RangeError(
        `requestTimeoutMs must be a positive number of milliseconds, got ${this.requestTimeoutMs}`,
      );
    }
    this.retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silentLogger;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.dispatcher = options.dispatcher;
    this.deadline = options.deadline;
    this.minAttemptMs = options.minAttemptMs ?? MIN_ATTEMPT_MS;
    this.maxInFlight = options.maxInFlight ?? Infinity;
  }

  private readonly maxInFlight: number;
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];

  /** Waits for a free request slot; `release` must follow. */
  private async acquire(): Promise<void> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight += 1;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  /** Hands the slot to the next waiting request, or frees it. */
  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.inFlight -= 1;
  }

  /**
   * Sends `request` and returns the parsed 2xx response, retrying transient
   * failures. A non-idempotent request is sent again only when the service
   * surely did not act on it.
   * @throws ApiError for a non-2xx response (3xx included) or an invalid JSON body
   * @throws NetworkError when no complete response arrived
   * @throws CancelledError as soon as `signal` aborts, also during a backoff wait
   */
  async send<T>(
    request: ApiRequest,
    signal: AbortSignal,
  ): Promise<ApiResponse<T>> {
    await this.acquire();
    try {
      return await this.sendWithRetries<T>(request, signal);
    } finally {
      this.release();
    }
  }

  private async sendWithRetries<T>(
    request: ApiRequest,
    signal: AbortSignal,
  ): Promise<ApiResponse<T>> {
    const prepared = prepareRequest(request, this.userAgent);
    const maxAttempts = Math.max(1, this.retry.maxAttempts);
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attemptOnce(prepared, signal);
      if (outcome.kind === 'success') {
        return outcome.response as ApiResponse<T>;
      }
      const retry =
        shouldRetry(outcome.failure, request.idempotent) &&
        attempt < maxAttempts;
      if (!retry) {
        this.logGiveUp(prepared, outcome.failure, attempt);
        throw outcome.error;
      }
      const delay = computeRetryDelay(
        attempt,
        outcome.retryAfter,
        this.retry,
        this.clock,
        this.random,
      );
      if (
        this.deadline !== undefined &&
        this.clock.now() + delay >= this.deadline
      ) {
        this.logger.info(
          `Not retrying ${request.operation} after ${outcome.failure.cause}: a wait of ${formatSeconds(delay)} s would end after the step's timeout.`,
        );
        outcome.error.message += ` It was not retried because the wait of ${formatSeconds(delay)} s would end after the step's timeout; raise timeout to allow it.`;
        outcome.error.stoppedByTimeout = true;
        throw outcome.error;
      }
      this.logger.info(
        `Retrying ${request.operation} (attempt ${attempt + 1} of ${maxAttempts}) in ${formatSeconds(delay)} s: ${outcome.failure.cause}`,
      );
      await this.waitBeforeRetry(delay, prepared, signal);
    }
  }

  /** Closes the dispatchers that the client created; a given dispatcher stays open. */
  async close(): Promise<void> {
    await Promise.all(this.ownedDispatchers.map((owned) => owned.close()));
    this.ownedDispatchers.length = 0;
    this.directAgent = undefined;
    this.proxyAgent = undefined;
  }

  private selectDispatcher(url: URL): Dispatcher {
    if (this.dispatcher !== undefined) return this.dispatcher;
    if (isLoopbackHost(url.hostname)) {
      this.directAgent ??= this.own(new Agent());
      return this.directAgent;
    }
    this.proxyAgent ??= this.own(new EnvHttpProxyAgent());
    return this.proxyAgent;
  }

  private own<D extends Dispatcher>(dispatcher: D): D {
    this.ownedDispatchers.push(dispatcher);
    return dispatcher;
  }

  private logGiveUp(
    prepared: PreparedRequest,
    failure: FailureClass,
    attempts: number,
  ): void {
    if (!failure.retryable) return;
    const operation = prepared.source.operation;
    if (attempts < this.retry.maxAttempts) {
      this.logger.info(
        `Not retrying ${operation} because the service may have acted on it: ${failure.cause}`,
      );
      return;
    }
    this.logger.info(
      `Giving up on ${operation} after ${attempts} attempts: ${failure.cause}`,
    );
  }

  private async waitBeforeRetry(
    delay: number,
    prepared: PreparedRequest,
    signal: AbortSignal,
  ): Promise<void> {
    try {
      await this.sleep(delay, signal);
    } catch (error) {
      if (!signal.aborted) throw error;
      throw new CancelledError(
        `Cancelled while waiting to retry ${prepared.source.operation}`,
        { cause: error },
      );
    }
    this.throwIfCancelled(prepared, signal);
  }

  private throwIfCancelled(
    prepared: PreparedRequest,
    signal: AbortSignal,
  ): void {
    if (signal.aborted) {
      throw new CancelledError(
        `Cancelled before completing ${prepared.source.operation}`,
      );
    }
  }

  /** Signs and sends one attempt; returns its outcome or throws CancelledError. */
  private async attemptOnce(
    prepared: PreparedRequest,
    signal: AbortSignal,
  ): Promise<AttemptOutcome> {
    this.throwIfCancelled(prepared, signal);
    const outgoing: OutgoingRequest = {
      method: prepared.source.method,
      url: prepared.url,
      headers: { ...prepared.headers },
      body: prepared.body,
    };
    const authHeaders = this.authorize(outgoing, new Date(this.clock.now()));
    const secrets = collectSecrets(authHeaders);
    const headers = { ...outgoing.headers, ...lowerCaseNames(authHeaders) };
    const limitMs = this.attemptLimitMs();
    const timeout = AbortSignal.timeout(limitMs);
    const started = this.clock.now();
    try {
      const raw = await this.exchange(outgoing, headers, [signal, timeout]);
      this.logAttempt(prepared, started, `HTTP ${raw.status}`, raw);
      return this.interpretResponse(prepared, raw, secrets);
    } catch (error) {
      if (signal.aborted) {
        throw new CancelledError(
          `Cancelled while waiting for ${prepared.source.operation}`,
          { cause: error, mayHaveReachedServer: true },
        );
      }
      const outcome = this.networkFailure(
        prepared,
        error,
        timeout.aborted ? limitMs : undefined,
      );
      this.logAttempt(prepared, started, outcome.failure.cause, undefined);
      return outcome;
    }
  }

  /** Sends the request with undici and reads the whole body as text. */
  private async exchange(
    outgoing: OutgoingRequest,
    headers: Record<string, string>,
    signals: AbortSignal[],
  ): Promise<RawResponse> {
    // undici 7 `request` follows no redirects unless a redirect
    // interceptor is installed, so a 3xx comes back as a response.
    const { origin, pathname, search } = outgoing.url;
    const response = await this.selectDispatcher(outgoing.url).request({
      origin,
      path: `${pathname}${search}`,
      method: outgoing.method,
      headers,
      body: outgoing.body ?? null,
      signal: AbortSignal.any(signals),
    });
    const text = await response.body.text();
    return {
      status: response.statusCode,
      headers: flattenHeaders(response.headers),
      text,
    };
  }

  private logAttempt(
    prepared: PreparedRequest,
    started: number,
    result: string,
    raw: RawResponse | undefined,
  ): void {
    const elapsed = this.clock.now() - started;
    const requestId = raw?.headers['x-request-id'] ?? 'none';
    const { method, path } = prepared.context;
    this.logger.debug(
      `${method} ${path}: ${result}, request ID ${requestId}, ${elapsed} ms`,
    );
  }

  private interpretResponse(
    prepared: PreparedRequest,
    raw: RawResponse,
    secrets: readonly string[],
  ): AttemptOutcome {
    const requestId = raw.headers['x-request-id'];
    if (raw.status >= 200 && raw.status < 300) {
      try {
        const body = parseJson(raw.text);
        return {
          kind: 'success',
          response: {
            status: raw.status,
            headers: raw.headers,
            body,
            requestId,
          },
        };
      } catch (error) {
        return this.invalidJsonFailure(prepared, raw, error);
      }
    }
    return this.responseFailure(prepared, raw, secrets);
  }

  private responseFailure(
    prepared: PreparedRequest,
    raw: RawResponse,
    secrets: readonly string[],
  ): AttemptOutcome {
    const parsed = readServiceError(raw.text);
    const serviceError: ServiceError = {
      code: parsed.code,
      message:
        parsed.message === undefined
          ? undefined
          : redactSecrets(parsed.message, secrets),
      requestId: raw.headers['x-request-id'] ?? parsed.requestId,
    };
    const failure = classifyResponse(raw.status, serviceError.code);
    const note =
      failure.outcomeUnknown && !prepared.source.idempotent
        ? 'The service may have carried out the request; check its state before sending it again.'
        : undefined;
    const error = new ApiError(
      formatApiErrorMessage(prepared.context, raw.status, serviceError, note),
      {
        status: raw.status,
        code: serviceError.code,
        serviceMessage: serviceError.message,
        requestId: serviceError.requestId,
        context: prepared.context,
        outcomeUnknown: failure.outcomeUnknown,
      },
    );
    return {
      kind: 'failure',
      error,
      failure,
      retryAfter: raw.headers['retry-after'],
    };
  }

  private invalidJsonFailure(
    prepared: PreparedRequest,
    raw: RawResponse,
    cause: unknown,
  ): AttemptOutcome {
    const requestId = raw.headers['x-request-id'];
    const idText = requestId === undefined ? '' : ` (request ID ${requestId})`;
    const error = new ApiError(
      `${describeTarget(prepared.context)}: HTTP ${raw.status} with a body that is not valid JSON${idText}. The service may have carried out the request.`,
      {
        status: raw.status,
        code: undefined,
        serviceMessage: undefined,
        requestId,
        context: prepared.context,
        outcomeUnknown: true,
      },
      { cause },
    );
    const failure: FailureClass = {
      retryable: false,
      safeToResend: false,
      outcomeUnknown: true,
      cause: `HTTP ${raw.status} invalid JSON`,
    };
    return { kind: 'failure', error, failure, retryAfter: undefined };
  }

  /** Returns the time limit of the next attempt, in ms. */
  private attemptLimitMs(): number {
    if (this.deadline === undefined) return this.requestTimeoutMs;
    const left = this.deadline - this.clock.now();
    return Math.min(this.requestTimeoutMs, Math.max(left, this.minAttemptMs));
  }

  /** `timedOutAfterMs` is the attempt's time limit when it ran out, else undefined. */
  private networkFailure(
    prepared: PreparedRequest,
    error: unknown,
    timedOutAfterMs: number | undefined,
  ): AttemptOutcome & { kind: 'failure' } {
    const timedOut = timedOutAfterMs !== undefined;
    const failure = timedOut
      ? classifyError({ code: REQUEST_TIMEOUT_CODE })
      : classifyError(error);
    const code = timedOut ? REQUEST_TIMEOUT_CODE : findErrorCode(error);
    const reason = timedOut
      ? `no response within ${formatSeconds(timedOutAfterMs)} s (timed out)`
      : `network error ${code ?? 'without a code'}: ${describeCause(error)}`;
    const reachNote = failure.outcomeUnknown
      ? ' The request may have reached the server.'
      : '';
    const networkError = new NetworkError(
      `${describeTarget(prepared.context)}: ${reason}.${reachNote}`,
      {
        code,
        context: prepared.context,
        mayHaveReachedServer: failure.outcomeUnknown,
      },
      { cause: error },
    );
    // An attempt whose limit the deadline cut below request-timeout ran out
    // because of the step's timeout, not of the service alone.
    networkError.stoppedByTimeout =
      timedOutAfterMs !== undefined && timedOutAfterMs < this.requestTimeoutMs;
    return {
      kind: 'failure',
      error: networkError,
      failure,
      retryAfter: undefined,
    };
  }
}

/** Returns the message of a network error, or of its first cause that has one. */
function describeCause(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    return describeCause(error.errors[0]);
  }
  if (error instanceof Error && error.message !== '') return error.message;
  return String(error);
}

/** Creates an `HttpClient`; see `HttpClientOptions` for the settings. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  return new HttpClient(options);
}
