/**
 * Compact JWS handling for RS256 ID tokens (RFC 7515, RFC 7518 section
 * 3.3): decoding, signature verification against a JWKS, and signing for
 * the built-in runner token source. Claims are checked elsewhere.
 */
import {
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  type JsonWebKey,
} from 'node:crypto';
import type { Jwks, PrivateJwk } from './federation-types.js';

/** Reason a token failed decoding or signature verification. */
export type JwtFailure =
  'malformed' | 'unsupported-algorithm' | 'unknown-key' | 'bad-signature';

/** Error of decoding or verifying a JWT, with a reason code. */
export class JwtError extends Error {
  constructor(
    readonly reason: JwtFailure,
    message: string,
  ) {
    super(message);
    this.name = 'JwtError';
  }
}

/** Decoded JWT whose signature has been verified. */
export interface VerifiedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/**
 * Verifies an RS256 compact JWS against a key set and returns its header
 * and claims. A `kid` in the header selects the key; without one, every
 * RSA key of the set is tried.
 */
export function verifyRs256(token: string, jwks: Jwks): VerifiedJwt {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => part === '')) {
    throw new JwtError(
      'malformed',
      'expected three non-empty base64url parts separated by "."',
    );
  }
  const [encodedHeader, encodedClaims, encodedSignature] = parts as [
    string,
    string,
    string,
  ];
  const header = decodeSegment(encodedHeader, 'header');
  const claims = decodeSegment(encodedClaims, 'payload');
  if (header.alg !== 'RS256') {
    throw new JwtError(
      'unsupported-algorithm',
      `alg ${JSON.stringify(header.alg)} is not supported; only RS256 is accepted`,
    );
  }
  const data = Buffer.from(`${encodedHeader}.${encodedClaims}`);
  const signature = Buffer.from(encodedSignature, 'base64url');
  const candidates = candidateKeys(jwks, header.kid);
  const valid = candidates.some((key) =>
    verify('sha256', data, createPublicKey({ key, format: 'jwk' }), signature),
  );
  if (!valid) {
    throw new JwtError(
      'bad-signature',
      `the signature matches no key of the signing key set (${candidates.length} key(s) tried)`,
    );
  }
  return { header, claims };
}

/** Signs claims as an RS256 compact JWS with a private RSA key in JWK form. */
export function signRs256(
  claims: Record<string, unknown>,
  privateKey: PrivateJwk,
): string {
  const header = { alg: 'RS256', typ: 'JWT', kid: privateKey.kid };
  const encodedHeader = encodeSegment(header);
  const encodedClaims = encodeSegment(claims);
  const key = createPrivateKey({ key: privateKey, format: 'jwk' });
  const signature = sign(
    'sha256',
    Buffer.from(`${encodedHeader}.${encodedClaims}`),
    key,
  );
  return `${encodedHeader}.${encodedClaims}.${signature.toString('base64url')}`;
}

function candidateKeys(jwks: Jwks, kid: unknown): JsonWebKey[] {
  const rsaKeys = jwks.keys.filter(
    (key) => key.kty === 'RSA' && (key.use === undefined || key.use === 'sig'),
  );
  if (kid === undefined) {
    return rsaKeys;
  }
  const matching = rsaKeys.filter((key) => key.kid === kid);
  if (matching.length === 0) {
    throw new JwtError(
      'unknown-key',
      `kid ${JSON.stringify(kid)} matches no RSA signing key of the key set`,
    );
  }
  return matching;
}

function decodeSegment(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError('malformed', `the ${what} is not base64url JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JwtError('malformed', `the ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
