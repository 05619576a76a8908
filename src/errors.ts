/**
 * Error classes of the action. Each has a fixed `name` so that callers and
 * tests tell the kinds apart without parsing messages.
 */

/** An input value that is missing, malformed or contradicts another input. */
export class InputError extends Error {
  override readonly name = 'InputError';
  /** The input (or environment variable) that contains the bad value. */
  readonly input: string;

  constructor(input: string, message: string) {
    super(message);
    this.input = input;
  }
}

/** Fields shared by errors that come from one HTTP exchange. */
export interface RequestContext {
  /** Description of the work, such as "query job 0123…" or "share images". */
  readonly operation: string;
  readonly method: string;
  /** URL path without the query string; never contains credentials. */
  readonly path: string;
}

/** A response with a status outside 2xx, after any retries. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  /** Error code from the body: `error.code` (IMS) or `error_code` (gateway, IAM). */
  readonly code: string | undefined;
  /** The service's message from the body, unchanged. */
  readonly serviceMessage: string | undefined;
  /** `X-Request-Id` of the response, for support tickets. */
  readonly requestId: string | undefined;
  readonly context: RequestContext;
  /** True when the response leaves open whether the service carried out the request (500, 502, 504). */
  readonly outcomeUnknown: boolean;
  /** True when the step's timeout, not the retry limit, ended the retries. */
  stoppedByTimeout = false;

  constructor(
    message: string,
    fields: {
      status: number;
      code: string | undefined;
      serviceMessage: string | undefined;
      requestId: string | undefined;
      context: RequestContext;
      outcomeUnknown?: boolean;
    },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.status = fields.status;
    this.code = fields.code;
    this.serviceMessage = fields.serviceMessage;
    this.requestId = fields.requestId;
    this.context = fields.context;
    this.outcomeUnknown = fields.outcomeUnknown ?? false;
  }
}

/** A request that got no complete response: refused, reset, timed out or malformed. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  /** Node or undici error code, such as ECONNRESET or UND_ERR_HEADERS_TIMEOUT. */
  readonly code: string | undefined;
  readonly context: RequestContext;
  /**
   * False only when the request surely never reached the server (connection
   * refused, connect timeout, DNS failure), so sending it again is safe.
   */
  readonly mayHaveReachedServer: boolean;
  /**
   * True when the step's timeout ended the retries, or cut the time limit
   * of the attempt that timed out.
   */
  stoppedByTimeout = false;

  constructor(
    message: string,
    fields: {
      code: string | undefined;
      context: RequestContext;
      mayHaveReachedServer: boolean;
    },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = fields.code;
    this.context = fields.context;
    this.mayHaveReachedServer = fields.mayHaveReachedServer;
  }
}

/** The run was cancelled (SIGINT, SIGTERM, SIGBREAK) while this work was under way. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  /**
   * Whether a request was on the wire when the run was cancelled, so that
   * the service may have acted on it.
   */
  readonly mayHaveReachedServer: boolean;

  constructor(
    message: string,
    options?: ErrorOptions & { mayHaveReachedServer?: boolean },
  ) {
    super(message, options);
    this.mayHaveReachedServer = options?.mayHaveReachedServer ?? false;
  }
}

/** Returns whether the step's timeout, rather than the service, ended a request. */
export function isStoppedByTimeout(error: unknown): boolean {
  return (
    (error instanceof ApiError || error instanceof NetworkError) &&
    error.stoppedByTimeout
  );
}

/** Formats any thrown value as text, without a leading "Error: ". */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
