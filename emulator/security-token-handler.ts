/**
 * IAM CreateTemporaryAccessKeyByToken
 * (`POST /v3.0/OS-CREDENTIAL/securitytokens`): exchanges an IAM token,
 * scoped or unscoped, for a temporary access key of the token's account.
 * `duration_seconds` is 900 to 86400, default 900 (IAM API reference,
 * "Obtaining a Temporary Access Key and Security Token Through a Token").
 */
import type { HandlerContext } from './context.js';
import { pick, readJson } from './json-body.js';
import { iamError, type Reply } from './reply.js';
import { headerValue } from './request.js';
import type { TokenRecord } from './store.js';
import { issueTemporaryKey } from './temporary-keys.js';
import { isoMicros } from './time-format.js';

/** Shortest and longest temporary-key lifetime IAM grants, in seconds. */
export const IAM_KEY_DURATION = { min: 900, max: 86_400, default: 900 };

/** Handles CreateTemporaryAccessKeyByToken; returns 201 with the key. */
export function createTemporaryAccessKey(context: HandlerContext): Reply {
  const body = readJson(context.request.body);
  const identity = pick(body, ['auth', 'identity']);
  const methods = pick(identity, ['methods']);
  if (!Array.isArray(methods) || !methods.includes('token')) {
    throw iamError(
      400,
      'Bad Request',
      'auth.identity.methods must include "token".',
    );
  }
  const requested = pick(identity, ['token', 'duration_seconds']);
  const duration = checkDuration(requested);
  const record = findToken(context, pick(identity, ['token', 'id']));
  const key = issueTemporaryKey(context.store, {
    issuer: 'iam',
    accountId: record.accountId,
    principal: record.userName,
    requestedDurationSeconds: typeof requested === 'number' ? requested : null,
    durationSeconds: duration,
    nowMs: context.clock.now(),
  });
  return {
    status: 201,
    body: {
      credential: {
        access: key.accessKey,
        secret: key.secretKey,
        securitytoken: key.securityToken,
        expires_at: isoMicros(key.expiresMs),
      },
    },
  };
}

function checkDuration(value: unknown): number {
  if (value === undefined) {
    return IAM_KEY_DURATION.default;
  }
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < IAM_KEY_DURATION.min ||
    value > IAM_KEY_DURATION.max
  ) {
    throw iamError(
      400,
      'Bad Request',
      `auth.identity.token.duration_seconds must be a whole number from ${IAM_KEY_DURATION.min} to ${IAM_KEY_DURATION.max}; got ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

function findToken(context: HandlerContext, bodyToken: unknown): TokenRecord {
  const token =
    headerValue(context.request.headers, 'x-auth-token') ??
    (typeof bodyToken === 'string' ? bodyToken : undefined);
  if (token === undefined) {
    throw iamError(
      401,
      'Unauthorized',
      'The request you have made requires authentication: send the IAM token in X-Auth-Token.',
    );
  }
  const record = context.store.tokens.get(token);
  if (!record) {
    throw iamError(401, 'Unauthorized', 'The IAM token is invalid.');
  }
  if (context.clock.now() >= record.expiresMs) {
    throw iamError(
      401,
      'Unauthorized',
      `The IAM token has expired at ${isoMicros(record.expiresMs)}.`,
    );
  }
  return record;
}
