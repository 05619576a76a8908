/**
 * Verification of an OpenID Connect ID token for an identity provider:
 * RS256 signature against the provider's key set, then `iss`, `aud`, `exp`
 * and `nbf` (RFC 7519 section 4.1) on the emulator clock with a leeway.
 */
import type { IdentityProvider } from './federation-types.js';
import { JwtError, verifyRs256, type JwtFailure } from './jwt.js';
import { isoSeconds } from './time-format.js';

/** Reason an ID token was rejected. */
export type IdTokenFailure =
  JwtFailure | 'wrong-issuer' | 'wrong-audience' | 'expired' | 'not-yet-valid';

/** Rejection of an ID token, with a reason code and a readable message. */
export class IdTokenError extends Error {
  constructor(
    readonly reason: IdTokenFailure,
    message: string,
  ) {
    super(message);
    this.name = 'IdTokenError';
  }
}

/**
 * Verifies an ID token for a provider and returns its claims; raises
 * IdTokenError naming the first check that failed.
 */
export function verifyIdToken(
  token: string,
  provider: IdentityProvider,
  nowMs: number,
  leewayMs: number,
): Record<string, unknown> {
  let claims: Record<string, unknown>;
  try {
    claims = verifyRs256(token, provider.signingKey).claims;
  } catch (error) {
    if (error instanceof JwtError) {
      throw new IdTokenError(
        error.reason,
        `The ID token is invalid: ${error.message}.`,
      );
    }
    throw error;
  }
  checkIssuer(claims, provider.idpUrl);
  checkAudience(claims, provider.clientId);
  checkLifetime(claims, nowMs, leewayMs);
  return claims;
}

function checkIssuer(claims: Record<string, unknown>, issuer: string): void {
  if (claims.iss !== issuer) {
    throw new IdTokenError(
      'wrong-issuer',
      `The ID token's issuer (iss) ${JSON.stringify(claims.iss)} is not the identity provider's idp_url "${issuer}".`,
    );
  }
}

function checkAudience(
  claims: Record<string, unknown>,
  clientId: string,
): void {
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(clientId)) {
    throw new IdTokenError(
      'wrong-audience',
      `The ID token's audience (aud) ${JSON.stringify(claims.aud)} does not contain the identity provider's client_id "${clientId}".`,
    );
  }
}

function checkLifetime(
  claims: Record<string, unknown>,
  nowMs: number,
  leewayMs: number,
): void {
  if (typeof claims.exp !== 'number') {
    throw new IdTokenError(
      'expired',
      `The ID token has no numeric expiry (exp); got ${JSON.stringify(claims.exp)}.`,
    );
  }
  if (claims.exp * 1000 + leewayMs <= nowMs) {
    throw new IdTokenError(
      'expired',
      `The ID token has expired: exp is ${isoSeconds(claims.exp * 1000)}, the server time is ${isoSeconds(nowMs)}.`,
    );
  }
  if (claims.nbf === undefined) {
    return;
  }
  if (typeof claims.nbf !== 'number' || claims.nbf * 1000 - leewayMs > nowMs) {
    const shown =
      typeof claims.nbf === 'number'
        ? isoSeconds(claims.nbf * 1000)
        : JSON.stringify(claims.nbf);
    throw new IdTokenError(
      'not-yet-valid',
      `The ID token is not valid yet: nbf is ${shown}, the server time is ${isoSeconds(nowMs)}.`,
    );
  }
}
