/** Response that a route handler returns; the server adds common headers. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Error carrying the reply to send, thrown by handlers and checks. */
export class ReplyError extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
    this.name = 'ReplyError';
  }
}

/** Creates a 200 JSON reply. */
export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

/**
 * Creates an API Gateway error, body shape
 * `{"error_msg", "error_code", "request_id"}` (Huawei API signing guide,
 * "Common Errors Related to IAM Authentication Information"). The server
 * fills `request_id`.
 */
export function apigwError(
  status: number,
  code: string,
  message: string,
): ReplyError {
  return new ReplyError({
    status,
    body: { error_msg: message, error_code: code, request_id: '' },
  });
}

/** Creates an IMS error, body `{"error": {"code": "IMG.xxxx", "message"}}`. */
export function imsError(
  status: number,
  code: string,
  message: string,
): ReplyError {
  return new ReplyError({ status, body: { error: { code, message } } });
}

/**
 * Creates an IAM (Keystone) error, body
 * `{"error": {"code": 401, "message", "title": "Unauthorized"}}`.
 */
export function iamError(
  status: number,
  title: string,
  message: string,
): ReplyError {
  return new ReplyError({
    status,
    body: { error: { code: status, message, title } },
  });
}
