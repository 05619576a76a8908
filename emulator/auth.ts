/**
 * Authentication of callers by AK/SK signature or IAM token, and the choice
 * of the caller's project. Error texts follow the API Gateway messages
 * listed in Huawei's "Common Errors Related to IAM Authentication
 * Information" page where that page gives one.
 */
import { checkSignature } from './aksk.js';
import type { EmulatorClock } from './clock.js';
import { apigwError, imsError } from './reply.js';
import { headerValue, type ParsedRequest } from './request.js';
import { parseAuthorization } from './signing.js';
import type { Store } from './store.js';
import { isoMicros, parseSdkDate } from './time-format.js';
import type { Account } from './types.js';

/** Authentication method of a request. */
export type AuthKind = 'aksk' | 'token' | 'none';

/** Authenticated caller. */
export interface Caller {
  kind: AuthKind;
  account: Account;
  /** Project the request acts in; null when the route needs none. */
  projectId: string | null;
}

/**
 * Source of the caller's project: `none` (IAM routes), `header`
 * (`X-Project-Id` or the token scope), or `path` (a `{project_id}` segment).
 */
export type ProjectSource =
  { kind: 'none' } | { kind: 'header' } | { kind: 'path'; projectId: string };

const PREFIX = 'Incorrect IAM authentication information:';

/** Authenticates the request and resolves the caller's project. */
export function authenticate(
  request: ParsedRequest,
  store: Store,
  clock: EmulatorClock,
  source: ProjectSource,
): Caller {
  const token = headerValue(request.headers, 'x-auth-token');
  const identity =
    token !== undefined
      ? authenticateToken(token, store, clock)
      : authenticateSignature(request, store, clock);
  const projectId = resolveProject(request, store, identity, source);
  return { ...identity, projectId };
}

interface Identity {
  kind: AuthKind;
  account: Account;
  tokenProjectId: string | null;
}

function authenticateToken(
  token: string,
  store: Store,
  clock: EmulatorClock,
): Identity {
  const record = store.tokens.get(token);
  const account = record ? store.accounts.get(record.accountId) : undefined;
  if (!record || !account) {
    throw apigwError(401, 'APIGW.0301', `${PREFIX} decrypt token fail`);
  }
  if (clock.now() >= record.expiresMs) {
    throw apigwError(
      401,
      'APIGW.0301',
      `${PREFIX} token expires, expires_at: ${isoMicros(record.expiresMs)}`,
    );
  }
  // NOTE: the gateway's message for an unscoped token is not documented.
  if (record.scope === 'unscoped') {
    throw apigwError(
      401,
      'APIGW.0301',
      `${PREFIX} the token is unscoped; exchange it for temporary access keys or request a scoped token`,
    );
  }
  return { kind: 'token', account, tokenProjectId: record.projectId };
}

function authenticateSignature(
  request: ParsedRequest,
  store: Store,
  clock: EmulatorClock,
): Identity {
  const header = headerValue(request.headers, 'authorization');
  if (header === undefined) {
    throw apigwError(401, 'APIGW.0301', `${PREFIX} x-auth-token not found`);
  }
  const authorization = parseAuthorization(header);
  if (!authorization) {
    throw signatureFailure('Authorization is not an SDK-HMAC-SHA256 header');
  }
  if (
    !authorization.signedHeaders.includes('host') ||
    !authorization.signedHeaders.includes('x-sdk-date')
  ) {
    throw signatureFailure('SignedHeaders must include host and x-sdk-date');
  }

  const sdkDate = checkSdkDate(request, store, clock);
  const found = store.findAccessKey(authorization.accessKey);
  if (!found) {
    throw apigwError(
      401,
      'APIGW.0301',
      `${PREFIX} Get secretKey failed,ak:${authorization.accessKey},err:ak not exist`,
    );
  }
  checkTemporaryKey(request, found.key, clock);

  const check = checkSignature(request, authorization, sdkDate, found.key.sk);
  if (!check.valid) {
    throw signatureFailure(
      `canonicalRequest: ${check.canonicalRequest.replace(/\n/g, '|')}`,
    );
  }
  return { kind: 'aksk', account: found.account, tokenProjectId: null };
}

function checkSdkDate(
  request: ParsedRequest,
  store: Store,
  clock: EmulatorClock,
): string {
  const sdkDate = headerValue(request.headers, 'x-sdk-date') ?? '';
  const signedAt = parseSdkDate(sdkDate);
  if (signedAt === null) {
    throw signatureFailure(
      `x-sdk-date ${JSON.stringify(sdkDate)} is not in the form YYYYMMDDTHHMMSSZ`,
    );
  }
  if (Math.abs(clock.now() - signedAt) > store.settings.maxClockSkewMs) {
    throw signatureFailure(
      `x-sdk-date ${sdkDate} expired, it differs from the server time by more than ${store.settings.maxClockSkewMs / 60000} minutes`,
    );
  }
  return sdkDate;
}

function checkTemporaryKey(
  request: ParsedRequest,
  key: { ak: string; securityToken?: string; expiresAt?: string },
  clock: EmulatorClock,
): void {
  if (key.expiresAt !== undefined && clock.now() >= Date.parse(key.expiresAt)) {
    throw apigwError(
      401,
      'APIGW.0301',
      `${PREFIX} Get secretKey failed,ak:${key.ak},err:ak expired at ${key.expiresAt}`,
    );
  }
  if (key.securityToken === undefined) {
    return;
  }
  const sent = headerValue(request.headers, 'x-security-token');
  if (sent !== key.securityToken) {
    throw apigwError(
      401,
      'APIGW.0301',
      `${PREFIX} security token is ${sent === undefined ? 'missing' : 'invalid'} for temporary ak:${key.ak}`,
    );
  }
}

function signatureFailure(detail: string): Error {
  return apigwError(
    401,
    'APIGW.0301',
    `${PREFIX} verify aksk signature fail, ${detail}`,
  );
}

function resolveProject(
  request: ParsedRequest,
  store: Store,
  identity: Identity,
  source: ProjectSource,
): string | null {
  const header = headerValue(request.headers, 'x-project-id');
  const chosen = identity.tokenProjectId ?? header ?? null;
  if (header !== undefined && header !== chosen) {
    throw projectMismatch(
      `X-Project-Id ${header} differs from the token scope ${chosen}`,
    );
  }
  if (chosen !== null) {
    checkOwnProject(store, identity.account, chosen, 'X-Project-Id');
  }
  if (source.kind === 'path') {
    checkOwnProject(
      store,
      identity.account,
      source.projectId,
      'project in the URL',
    );
    if (chosen !== null && chosen !== source.projectId) {
      throw projectMismatch(
        `project in the URL ${source.projectId} differs from ${chosen}`,
      );
    }
    return source.projectId;
  }
  if (source.kind === 'header' && chosen === null) {
    throw imsError(
      400,
      'IMG.0030',
      'The project ID and token are invalid: the request names no project; send X-Project-Id or use a project-scoped token.',
    );
  }
  return chosen;
}

function checkOwnProject(
  store: Store,
  account: Account,
  projectId: string,
  what: string,
): void {
  if (store.projects.get(projectId)?.accountId !== account.id) {
    throw projectMismatch(
      `${what} ${projectId} does not belong to account ${account.id}`,
    );
  }
}

function projectMismatch(detail: string): Error {
  return apigwError(401, 'APIGW.0301', `${PREFIX} ${detail}`);
}
