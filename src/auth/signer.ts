/**
 * AK/SK request signing (`SDK-HMAC-SHA256`) and the two authorizers of the
 * HTTP client: signed AK/SK, with optional temporary security token, and
 * IAM token.
 */

import { createHmac } from 'node:crypto';
import type { Authorizer, OutgoingRequest } from '../http/types.js';
import {
  SIGNING_ALGORITHM,
  buildCanonicalHeaders,
  buildCanonicalQuery,
  buildCanonicalRequest,
  buildCanonicalUri,
  buildStringToSign,
  compareCodeUnits,
  formatSdkDate,
  sha256Hex,
} from './canonical.js';

export {
  buildCanonicalHeaders,
  buildCanonicalQuery,
  buildCanonicalRequest,
  buildCanonicalUri,
  buildStringToSign,
  formatSdkDate,
  percentEncode,
} from './canonical.js';

/** Permanent or temporary access key pair. */
export interface AkSkCredentials {
  accessKey: string;
  secretKey: string;
  /** Security token of temporary credentials, sent as `X-Security-Token`. */
  securityToken?: string | undefined;
}

/**
 * Header names that are never signed. `authorization` carries the signature
 * itself. The others are hop-by-hop or set by the HTTP stack (undici
 * computes `content-length`), so a proxy or the runtime may change them after
 * signing. `user-agent` is left out for the same reason: signing it gains
 * nothing, and an HTTP proxy may rewrite it.
 */
export const UNSIGNED_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'connection',
  'content-length',
  'expect',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
]);

/** Headers that the signer sets itself, replacing any given value. */
const SIGNER_HEADERS = ['authorization', 'x-sdk-date', 'x-security-token'];

/** Copies `headers` with lower-case names; rejects names repeated in another case. */
function lowerCaseHeaders(
  headers: Readonly<Record<string, string>>,
): Record<string, string> {
  const lowered: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lowerName = name.toLowerCase();
    if (lowerName in lowered) {
      throw new TypeError(`Header ${lowerName} is given more than once`);
    }
    lowered[lowerName] = value;
  }
  return lowered;
}

/** Collects the header values that go into the signature, keyed by lower-case name. */
function collectSignedHeaders(
  request: OutgoingRequest,
  sdkDate: string,
  securityToken: string | undefined,
): Record<string, string> {
  const headers = lowerCaseHeaders(request.headers);
  for (const name of SIGNER_HEADERS) delete headers[name];
  for (const name of UNSIGNED_HEADERS) delete headers[name];
  headers['host'] ??= request.url.host;
  headers['x-sdk-date'] = sdkDate;
  if (securityToken !== undefined) headers['x-security-token'] = securityToken;
  return headers;
}

/**
 * Returns the payload hash: the `X-Sdk-Content-Sha256` header when given
 * (such as `UNSIGNED-PAYLOAD`), otherwise the SHA-256 of the body bytes.
 */
function hashPayload(
  headers: Readonly<Record<string, string>>,
  body: Buffer | undefined,
): string {
  return headers['x-sdk-content-sha256'] ?? sha256Hex(body ?? Buffer.alloc(0));
}

/**
 * Signs `request` with `SDK-HMAC-SHA256` at `signingDate` and returns the
 * headers to add: `X-Sdk-Date`, `Authorization` and, for temporary
 * credentials, `X-Security-Token`. Every header of the request is signed
 * except those in `UNSIGNED_HEADERS`; `host` is signed as `url.host`, which
 * omits the default port of the scheme.
 * @throws TypeError when a header name appears twice in different case
 */
export function signRequest(
  request: OutgoingRequest,
  credentials: AkSkCredentials,
  signingDate: Date,
): Record<string, string> {
  const sdkDate = formatSdkDate(signingDate);
  const headers = collectSignedHeaders(
    request,
    sdkDate,
    credentials.securityToken,
  );
  const signedNames = Object.keys(headers).sort(compareCodeUnits);
  const signedHeaders = signedNames.join(';');
  const canonicalRequest = buildCanonicalRequest({
    method: request.method.toUpperCase(),
    canonicalUri: buildCanonicalUri(request.url.pathname),
    canonicalQuery: buildCanonicalQuery(request.url.searchParams),
    canonicalHeaders: buildCanonicalHeaders(headers, signedNames),
    signedHeaders,
    payloadHash: hashPayload(headers, request.body),
  });
  const signature = createHmac('sha256', credentials.secretKey)
    .update(buildStringToSign(sdkDate, canonicalRequest))
    .digest('hex');
  const added: Record<string, string> = {
    'X-Sdk-Date': sdkDate,
    Authorization: `${SIGNING_ALGORITHM} Access=${credentials.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
  if (credentials.securityToken !== undefined) {
    added['X-Security-Token'] = credentials.securityToken;
  }
  return added;
}

/** Creates an authorizer that signs every attempt afresh with AK/SK. */
export function createAkSkAuthorizer(credentials: AkSkCredentials): Authorizer {
  return (request, now) => signRequest(request, credentials, now);
}

/** Creates an authorizer that sends an IAM token as `X-Auth-Token`. */
export function createTokenAuthorizer(token: string): Authorizer {
  return () => ({ 'X-Auth-Token': token });
}
