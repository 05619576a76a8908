/** Types shared by the HTTP client, the retry policy and the API clients. */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One API call, described before it is signed. */
export interface ApiRequest {
  method: HttpMethod;
  /** Full URL including the query string. */
  url: URL;
  /** Extra headers such as `X-Project-Id`; names are case-insensitive. */
  headers?: Record<string, string>;
  /** JSON body; serialised once, and the same bytes are signed and sent. */
  body?: unknown;
  /** Description of the work, for logs and errors: "share 3 images with 2 projects". */
  operation: string;
  /**
   * Whether the request may be sent again after it may have reached the
   * server. Reads are idempotent; a member submit is not, so the client
   * retries it only when the service surely did not act on it.
   */
  idempotent: boolean;
}

export interface ApiResponse<T = unknown> {
  status: number;
  /** Response headers with lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON body, or `undefined` for an empty body. */
  body: T;
  requestId: string | undefined;
}

/** The bytes that go on the wire, as the signer receives them. */
export interface OutgoingRequest {
  method: HttpMethod;
  url: URL;
  /** Headers to send, including `Content-Type` when there is a body. */
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/**
 * Adds authentication headers to a request just before it is sent. Called in
 * every attempt, so a retry never carries a stale `X-Sdk-Date`.
 */
export type Authorizer = (
  request: OutgoingRequest,
  now: Date,
) => Record<string, string>;
