/**
 * Canonical request of the `SDK-HMAC-SHA256` signing scheme of the Huawei
 * Cloud API Gateway, as described in the API signing guide
 * (https://support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-algorithm-002.html)
 * and implemented by `core/auth/AKSKSigner.ts` of the official Node.js SDK.
 */

import { createHash } from 'node:crypto';

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';

/** Parts of the canonical request, in the order they are joined. */
export interface CanonicalRequestParts {
  method: string;
  canonicalUri: string;
  canonicalQuery: string;
  canonicalHeaders: string;
  signedHeaders: string;
  payloadHash: string;
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/**
 * Percent-encodes `text` over its UTF-8 bytes, keeping only the unreserved
 * characters `A-Z a-z 0-9 - _ . ~`, with upper-case hex digits.
 */
export function percentEncode(text: string): string {
  let encoded = '';
  for (const character of text) {
    if (UNRESERVED.test(character)) {
      encoded += character;
      continue;
    }
    for (const byte of Buffer.from(character, 'utf8')) {
      encoded += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  return encoded;
}

/** Decodes one path segment, keeping a malformed percent sequence as text. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Builds the canonical URI from a URL path as `URL.pathname` returns it
 * (already percent-encoded): each segment is decoded, encoded again with
 * `percentEncode`, and a trailing `/` is appended when absent.
 */
export function buildCanonicalUri(path: string): string {
  const segments = path.split('/').map((segment) => {
    return percentEncode(decodeSegment(segment));
  });
  const joined = segments.join('/');
  return joined.endsWith('/') ? joined : joined + '/';
}

/** Compares two strings by UTF-16 code unit, as `Array.prototype.sort` does. */
export function compareCodeUnits(left: string, right: string): number {
  if (left < right) return -1;
  return left > right ? 1 : 0;
}

/**
 * Builds the canonical query string: pairs sorted by key, then by value for
 * repeated keys, each key and value percent-encoded, joined by `&`.
 */
export function buildCanonicalQuery(searchParams: URLSearchParams): string {
  const pairs = [...searchParams.entries()];
  pairs.sort(([keyA, valueA], [keyB, valueB]) => {
    return compareCodeUnits(keyA, keyB) || compareCodeUnits(valueA, valueB);
  });
  return pairs
    .map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`)
    .join('&');
}

/**
 * Builds the canonical headers block: one `name:value\n` line per signed
 * header, names in lower case and sorted by code unit. Values are trimmed
 * because HTTP parsers drop surrounding whitespace before the gateway
 * verifies the signature. The Go SDK trims too, but the Node.js SDK does not.
 * @param headers header values keyed by lower-case name
 * @param signedNames lower-case names to sign
 */
export function buildCanonicalHeaders(
  headers: Readonly<Record<string, string>>,
  signedNames: readonly string[],
): string {
  return [...signedNames]
    .sort(compareCodeUnits)
    .map((name) => `${name}:${(headers[name] ?? '').trim()}\n`)
    .join('');
}

/** Returns the lower-case hex SHA-256 digest of `data`. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Joins the six parts of the canonical request with `\n`. */
export function buildCanonicalRequest(parts: CanonicalRequestParts): string {
  return [
    parts.method,
    parts.canonicalUri,
    parts.canonicalQuery,
    parts.canonicalHeaders,
    parts.signedHeaders,
    parts.payloadHash,
  ].join('\n');
}

/**
 * Builds the string to sign: the algorithm name, the `X-Sdk-Date` value and
 * the hex SHA-256 of the canonical request, joined by `\n`.
 */
export function buildStringToSign(
  sdkDate: string,
  canonicalRequest: string,
): string {
  return [SIGNING_ALGORITHM, sdkDate, sha256Hex(canonicalRequest)].join('\n');
}

/** Formats `date` in UTC as `YYYYMMDDTHHMMSSZ`, the `X-Sdk-Date` format. */
export function formatSdkDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
