/**
 * Issuing temporary access keys: a new AK/SK pair with a security token,
 * added to an account so that it signs IMS requests until it expires on
 * the emulator clock.
 */
import { randomBytes } from 'node:crypto';
import type { CredentialIssuer, IssuedCredential } from './federation-types.js';
import type { Store } from './store.js';
import { isoMicros } from './time-format.js';

/** Temporary key as returned to the caller. */
export interface TemporaryKey {
  accessKey: string;
  secretKey: string;
  securityToken: string;
  expiresMs: number;
}

/** Request for a temporary key. */
export interface TemporaryKeyRequest {
  issuer: CredentialIssuer;
  accountId: string;
  principal: string;
  requestedDurationSeconds: number | null;
  durationSeconds: number;
  nowMs: number;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Creates a temporary key in the account and records it. */
export function issueTemporaryKey(
  store: Store,
  request: TemporaryKeyRequest,
): TemporaryKey {
  const account = store.accounts.get(request.accountId);
  if (!account) {
    throw new Error(`account ${request.accountId} not found`);
  }
  const expiresMs = request.nowMs + request.durationSeconds * 1000;
  const key: TemporaryKey = {
    accessKey: randomAlphanumeric(20),
    secretKey: randomAlphanumeric(40),
    securityToken: `${request.issuer}-${randomBytes(96).toString('base64url')}`,
    expiresMs,
  };
  account.accessKeys.push({
    ak: key.accessKey,
    sk: key.secretKey,
    securityToken: key.securityToken,
    expiresAt: new Date(expiresMs).toISOString(),
  });
  const record: IssuedCredential = {
    accessKey: key.accessKey,
    secretKey: key.secretKey,
    securityToken: key.securityToken,
    issuer: request.issuer,
    accountId: request.accountId,
    requestedDurationSeconds: request.requestedDurationSeconds,
    durationSeconds: request.durationSeconds,
    expiresAt: isoMicros(expiresMs),
    principal: request.principal,
  };
  store.issuedCredentials.push(record);
  return key;
}

function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length);
  return [...bytes]
    .map((byte) => ALPHANUMERIC[byte % ALPHANUMERIC.length])
    .join('');
}
