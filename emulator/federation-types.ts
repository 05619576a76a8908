/**
 * Data model of federated sign-in: IAM identity providers with their OpenID
 * Connect settings, IAM v5 agencies that STS lets an ID token assume, the
 * runner's ID-token endpoint, and the temporary keys the emulator issued.
 */
import type { JsonWebKey } from 'node:crypto';

/** JSON Web Key Set (RFC 7517), the form of IAM's OpenID Connect `signing_key`. */
export interface Jwks {
  keys: JsonWebKey[];
}

/**
 * Claim patterns keyed by claim name. A claim matches when its value, or one
 * value of an array claim, matches one of the patterns. In a pattern, `*`
 * matches any run of characters.
 */
export type ClaimConditions = Record<string, string[]>;

/** Identity conversion rule: the claims it needs and the user it maps to. */
export interface MappingRule {
  /** Every listed claim must match; an empty object matches any token. */
  conditions: ClaimConditions;
  /** Name of the federated user that the ID token signs in as. */
  userName: string;
}

/** IAM identity provider with protocol OIDC. */
export interface IdentityProvider {
  /** Identity provider ID, sent in `X-Idp-Id`. */
  id: string;
  /** URN used by STS, `iam::{account_id}:identity-provider:{id}`. */
  urn: string;
  /** Account that owns the provider and that federated users belong to. */
  accountId: string;
  /** Expected `iss` of ID tokens (IAM `idp_url`). */
  idpUrl: string;
  /** Expected `aud` of ID tokens (IAM `client_id`). */
  clientId: string;
  /** Static key set that verifies ID-token signatures (IAM `signing_key`). */
  signingKey: Jwks;
  /** Rules tried in order; the first that matches picks the user. */
  mappingRules: MappingRule[];
}

/** Condition operators of an agency trust policy. */
export const CONDITION_OPERATORS = ['StringEquals', 'StringMatch'] as const;

/** Condition operator: exact comparison, or `*` wildcard matching. */
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** Condition keys that an ID token supplies to a trust policy. */
export const OIDC_CONDITION_KEYS = [
  'oidc:iss',
  'oidc:aud',
  'oidc:sub',
] as const;

/** Condition key taken from an ID-token claim. */
export type OidcConditionKey = (typeof OIDC_CONDITION_KEYS)[number];

/** Trust policy conditions: operator, then condition key, then accepted values. */
export type TrustConditions = Partial<
  Record<ConditionOperator, Partial<Record<OidcConditionKey, string[]>>>
>;

/** IAM v5 agency that STS `AssumeAgencyWithOIDC` can assume. */
export interface Agency {
  /** Agency URN, `iam::{account_id}:agency:{name}`. */
  urn: string;
  /** Account whose temporary keys the agency hands out. */
  accountId: string;
  /** Longest session in seconds, from 3600 to 43200. */
  maxDurationSeconds: number;
  /** Identity provider URNs the trust policy names as principals. */
  trustedProviders: string[];
  /** Every condition must hold; values of one key are alternatives. */
  conditions: TrustConditions;
}

/** Private RSA key in JWK form, with the `kid` put in issued token headers. */
export type PrivateJwk = JsonWebKey & { kid: string };

/**
 * Settings of the runner's ID-token endpoint, which `@actions/core`
 * `getIDToken` calls with `ACTIONS_ID_TOKEN_REQUEST_TOKEN`.
 */
export interface RunnerIdToken {
  /** Bearer token that requests must send (`ACTIONS_ID_TOKEN_REQUEST_TOKEN`). */
  requestToken: string;
  /** Audience used when the request names none. */
  defaultAudience: string;
  /** `iss` of built-in tokens. */
  issuer: string;
  /** `sub` of built-in tokens. */
  subject: string;
  /** Lifetime of built-in tokens in seconds. */
  lifetimeSeconds: number;
  /** Further claims of built-in tokens, such as `repository`. */
  claims: Record<string, string>;
  /** Key that signs built-in tokens; without it only a test source issues tokens. */
  privateKey?: PrivateJwk;
}

/** Source of runner ID tokens: receives the audience, returns a JWT. */
export type IdTokenSource = (audience: string) => Promise<string>;

/** Service that issued a temporary access key. */
export type CredentialIssuer = 'iam' | 'sts';

/** Temporary access key issued by IAM or STS, as the in-process API reports it. */
export interface IssuedCredential {
  accessKey: string;
  secretKey: string;
  securityToken: string;
  issuer: CredentialIssuer;
  accountId: string;
  /** `duration_seconds` as sent; null when the request omitted it. */
  requestedDurationSeconds: number | null;
  /** Lifetime granted, in seconds. */
  durationSeconds: number;
  /** Expiry on the emulator clock, ISO 8601. */
  expiresAt: string;
  /** Federated user name (IAM) or agency URN (STS) the key acts as. */
  principal: string;
}
