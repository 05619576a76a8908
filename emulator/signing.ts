/**
 * Canonical forms and signature of the `SDK-HMAC-SHA256` scheme (Huawei API
 * request signing guide, "API Signing Algorithm"). Written from the
 * algorithm description, independent of any SDK.
 */
import { createHash, createHmac } from 'node:crypto';

/** Algorithm name used in `Authorization` and in the string to sign. */
export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';

/** Hex SHA-256 of an empty body. */
export const EMPTY_BODY_SHA256 =
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/**
 * Percent-encodes a string: unreserved characters stay, every other UTF-8
 * byte becomes `%XX` with upper-case hex (so space is `%20`, `*` is `%2A`).
 */
export function percentEncode(value: string): string {
  let out = '';
  for (const char of value) {
    if (UNRESERVED.test(char)) {
      out += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/** Hex SHA-256 of a string or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Builds the canonical URI: each `/`-separated segment percent-encoded and a
 * trailing `/` appended when absent.
 */
export function canonicalUri(path: string): string {
  const encoded = path.split('/').map(percentEncode).join('/');
  return encoded.endsWith('/') ? encoded : `${encoded}/`;
}

/** Query parameter as a decoded key and value. */
export type QueryPair = readonly [key: string, value: string];

/**
 * Builds the canonical query string: keys sorted, one `key=value` pair per
 * value with the values of a repeated key sorted, all percent-encoded.
 */
export function canonicalQuery(pairs: readonly QueryPair[]): string {
  const byKey = new Map<string, string[]>();
  for (const [key, value] of pairs) {
    const values = byKey.get(key) ?? [];
    values.push(value);
    byKey.set(key, values);
  }
  const keys = [...byKey.keys()].sort(compareCodeUnits);
  const parts: string[] = [];
  for (const key of keys) {
    const values = [...(byKey.get(key) ?? [])].sort(compareCodeUnits);
    for (const value of values) {
      parts.push(`${percentEncode(key)}=${percentEncode(value)}`);
    }
  }
  return parts.join('&');
}

/**
 * Builds the canonical headers block: `name:value\n` for each signed header
 * in sorted name order. `values` maps lower-case names to values.
 */
export function canonicalHeaders(
  signedHeaders: readonly string[],
  values: ReadonlyMap<string, string>,
): string {
  const names = [...signedHeaders].sort(compareCodeUnits);
  return names.map((name) => `${name}:${values.get(name) ?? ''}\n`).join('');
}

/** Parts of a canonical request. */
export interface CanonicalRequestParts {
  method: string;
  uri: string;
  query: string;
  headers: string;
  signedHeaders: readonly string[];
  payloadHash: string;
}

/** Joins the six canonical parts with `\n`. */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  const signed = [...parts.signedHeaders].sort(compareCodeUnits).join(';');
  return [
    parts.method.toUpperCase(),
    parts.uri,
    parts.query,
    parts.headers,
    signed,
    parts.payloadHash,
  ].join('\n');
}

/** Builds the string to sign from the `X-Sdk-Date` value and the request. */
export function stringToSign(sdkDate: string, request: string): string {
  return `${SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(request)}`;
}

/** Computes the lower-case hex HMAC-SHA256 signature with the secret key. */
export function signature(secretKey: string, toSign: string): string {
  return createHmac('sha256', secretKey).update(toSign).digest('hex');
}

/** Parsed `Authorization` header of the signing scheme. */
export interface AuthorizationHeader {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION =
  /^SDK-HMAC-SHA256\s+Access=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;

/** Parses `SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...`. */
export function parseAuthorization(value: string): AuthorizationHeader | null {
  const match = AUTHORIZATION.exec(value);
  if (!match) {
    return null;
  }
  return {
    accessKey: match[1]!,
    signedHeaders: match[2]!.toLowerCase().split(';'),
    signature: match[3]!.toLowerCase(),
  };
}

function compareCodeUnits(left: string, right: string): number {
  if (left === right) {
    return 0;
  }
  return left < right ? -1 : 1;
}
