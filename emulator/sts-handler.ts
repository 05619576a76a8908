/**
 * STS AssumeAgencyWithOIDC (`POST /v5/agencies/assume-with-oidc`): trades
 * an OpenID Connect ID token for a temporary access key of an agency, with
 * no Huawei Cloud credentials. The token is verified against the identity
 * provider's key set (the real service fetches the provider's JWKS
 * endpoint), then the agency's trust policy decides.
 *
 * Errors use the IAM v5 body `{"error_code", "error_msg", "request_id"}`.
 * NOTE: the error codes are the emulator's own; the AssumeAgencyWithOIDC
 * reference lists the body fields but not the codes.
 */
import { failedTrustCondition } from './claim-match.js';
import type { HandlerContext } from './context.js';
import type { Agency, IdentityProvider } from './federation-types.js';
import { IdTokenError, verifyIdToken } from './id-token-verify.js';
import { ReplyError, type Reply } from './reply.js';
import { issueTemporaryKey } from './temporary-keys.js';
import { isoSeconds } from './time-format.js';

/** Shortest session and the default when the request names none, in seconds. */
export const STS_KEY_DURATION = { min: 900, default: 3600 };

const SESSION_NAME = /^[A-Za-z0-9_=,.@-]{2,64}$/;

interface AssumeRequest {
  providerUrn: string;
  agencyUrn: string;
  sessionName: string;
  idToken: string;
  durationSeconds: number | undefined;
}

/** Handles AssumeAgencyWithOIDC; returns 200 with the temporary key. */
export function assumeAgencyWithOidc(context: HandlerContext): Reply {
  const request = parseRequest(context.request.body);
  const provider = context.store.providerByUrn(request.providerUrn);
  if (!provider) {
    throw stsError(
      401,
      'STS.InvalidIdentityProvider',
      `Identity provider ${request.providerUrn} is not found.`,
    );
  }
  const claims = verifyToken(context, provider, request.idToken);
  const agency = checkTrust(context, request.agencyUrn, provider, claims);
  const duration = checkDuration(request.durationSeconds, agency);
  const key = issueTemporaryKey(context.store, {
    issuer: 'sts',
    accountId: agency.accountId,
    principal: `${agency.urn}/${request.sessionName}`,
    requestedDurationSeconds: request.durationSeconds ?? null,
    durationSeconds: duration,
    nowMs: context.clock.now(),
  });
  const agencyName = agency.urn.split(':').at(-1) ?? '';
  return {
    status: 200,
    body: {
      credentials: {
        access_key_id: key.accessKey,
        secret_access_key: key.secretKey,
        security_token: key.securityToken,
        expiration: isoSeconds(key.expiresMs),
      },
      assumed_agency: {
        assumed_agency_id: `${agencyName}:${request.sessionName}`,
        urn: `sts::${agency.accountId}:assumed-agency:${agencyName}/${request.sessionName}`,
      },
      audience: claims.aud,
      provider: provider.urn,
      subject_from_id_token: claims.sub,
      source_identity: null,
    },
  };
}

function parseRequest(body: Buffer): AssumeRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalidParameter('the request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidParameter('the request body is not a JSON object');
  }
  const object = parsed as Record<string, unknown>;
  const text = (key: string): string => {
    const value = object[key];
    if (typeof value !== 'string' || value === '') {
      throw invalidParameter(`${key} must be a non-empty string`);
    }
    return value;
  };
  const sessionName = text('agency_session_name');
  if (!SESSION_NAME.test(sessionName)) {
    throw invalidParameter(
      'agency_session_name must be 2 to 64 characters of A-Z a-z 0-9 _ = , . @ -',
    );
  }
  const duration = object.duration_seconds;
  if (duration !== undefined && !Number.isInteger(duration)) {
    throw invalidParameter('duration_seconds must be a whole number');
  }
  return {
    providerUrn: text('provider_urn'),
    agencyUrn: text('agency_urn'),
    sessionName,
    idToken: text('id_token'),
    durationSeconds: duration as number | undefined,
  };
}

function verifyToken(
  context: HandlerContext,
  provider: IdentityProvider,
  idToken: string,
): Record<string, unknown> {
  try {
    return verifyIdToken(
      idToken,
      provider,
      context.clock.now(),
      context.store.settings.idTokenLeewayMs,
    );
  } catch (error) {
    if (error instanceof IdTokenError) {
      const code =
        error.reason === 'expired' || error.reason === 'not-yet-valid'
          ? 'STS.ExpiredIdToken'
          : 'STS.InvalidIdToken';
      throw stsError(401, code, error.message);
    }
    throw error;
  }
}

function checkTrust(
  context: HandlerContext,
  agencyUrn: string,
  provider: IdentityProvider,
  claims: Record<string, unknown>,
): Agency {
  const agency = context.store.agencies.get(agencyUrn);
  if (!agency) {
    throw accessDenied(`agency ${agencyUrn} is not found`);
  }
  if (!agency.trustedProviders.includes(provider.urn)) {
    throw accessDenied(
      `the trust policy of agency ${agency.urn} does not name identity provider ${provider.urn}`,
    );
  }
  const failed = failedTrustCondition(claims, agency);
  if (failed !== null) {
    throw accessDenied(
      `the ID token (sub ${JSON.stringify(claims.sub)}) does not meet the condition ${failed} of agency ${agency.urn}`,
    );
  }
  return agency;
}

function checkDuration(requested: number | undefined, agency: Agency): number {
  const duration = requested ?? STS_KEY_DURATION.default;
  if (duration < STS_KEY_DURATION.min || duration > agency.maxDurationSeconds) {
    throw invalidParameter(
      `duration_seconds must be from ${STS_KEY_DURATION.min} to ${agency.maxDurationSeconds} (the agency's maximum); got ${duration}`,
    );
  }
  return duration;
}

function invalidParameter(detail: string): ReplyError {
  return stsError(400, 'STS.InvalidParameter', `Invalid parameter: ${detail}.`);
}

function accessDenied(detail: string): ReplyError {
  return stsError(403, 'STS.AccessDenied', `Access denied: ${detail}.`);
}

function stsError(status: number, code: string, message: string): ReplyError {
  return new ReplyError({
    status,
    body: { error_code: code, error_msg: message, request_id: '' },
  });
}
