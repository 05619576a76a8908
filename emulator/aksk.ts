/**
 * Verification of `SDK-HMAC-SHA256` signatures on incoming requests.
 */
import { timingSafeEqual } from 'node:crypto';
import type { ParsedRequest } from './request.js';
import { headerValue } from './request.js';
import {
  type AuthorizationHeader,
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  sha256Hex,
  signature,
  stringToSign,
} from './signing.js';

/** Result of a signature check. */
export interface SignatureCheck {
  valid: boolean;
  /** Canonical request built from the path as sent. */
  canonicalRequest: string;
}

/**
 * Checks the signature against the secret key. The canonical URI is built
 * two ways and either may match: from the path as sent (the Node SDK encodes
 * the already-encoded URL path again) and from the decoded path (the Go SDK
 * encodes `URL.Path`).
 */
export function checkSignature(
  request: ParsedRequest,
  authorization: AuthorizationHeader,
  sdkDate: string,
  secretKey: string,
): SignatureCheck {
  const decodedPath = `/${request.segments.join('/')}`;
  const candidates = [...new Set([request.rawPath, decodedPath])].map((path) =>
    buildCanonicalRequest(request, authorization.signedHeaders, path),
  );
  const valid = candidates.some((candidate) =>
    sameHex(
      signature(secretKey, stringToSign(sdkDate, candidate)),
      authorization.signature,
    ),
  );
  return { valid, canonicalRequest: candidates[0] ?? '' };
}

function buildCanonicalRequest(
  request: ParsedRequest,
  signedHeaders: readonly string[],
  path: string,
): string {
  const values = new Map<string, string>();
  for (const name of signedHeaders) {
    values.set(name, headerValue(request.headers, name)?.trim() ?? '');
  }
  const contentSha = headerValue(request.headers, 'x-sdk-content-sha256');
  return canonicalRequest({
    method: request.method,
    uri: canonicalUri(path),
    query: canonicalQuery(request.query),
    headers: canonicalHeaders(signedHeaders, values),
    signedHeaders,
    payloadHash: contentSha ?? sha256Hex(request.body),
  });
}

function sameHex(left: string, right: string): boolean {
  if (left.length !== right.length) {
    return false;
  }
  return timingSafeEqual(Buffer.from(left), Buffer.from(right));
}
