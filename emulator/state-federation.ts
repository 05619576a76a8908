/**
 * State-file sections of federated sign-in: `identityProviders`,
 * `agencies` and `runnerIdToken`. Each parser names the failing field.
 */
import {
  createPrivateKey,
  createPublicKey,
  type JsonWebKey,
} from 'node:crypto';
import {
  CONDITION_OPERATORS,
  OIDC_CONDITION_KEYS,
  type Agency,
  type ClaimConditions,
  type IdentityProvider,
  type Jwks,
  type MappingRule,
  type PrivateJwk,
  type RunnerIdToken,
  type TrustConditions,
} from './federation-types.js';
import { HEX32 } from './ids.js';
import {
  StateError,
  asArray,
  asEnum,
  asNumber,
  asObject,
  asString,
  invalid,
  rejectUnknownKeys,
} from './validate.js';

/** Pattern of agency URNs, `iam::{account_id}:agency:{name}`. */
export const AGENCY_URN = /^iam::([0-9a-f]{32}):agency:[A-Za-z0-9_.-]{1,64}$/;

/** Identity provider as written in a state file. */
export interface IdentityProviderInput {
  id: string;
  accountId: string;
  idpUrl: string;
  clientId: string;
  /** JWKS object, or the JSON text of one as IAM's `signing_key` takes it. */
  signingKey: Jwks | string;
  mappingRules: {
    conditions?: Record<string, string | string[]>;
    userName: string;
  }[];
}

/** Agency as written in a state file. */
export interface AgencyInput {
  urn: string;
  maxDurationSeconds?: number;
  trustedProviders: string[];
  conditions?: TrustConditions;
}

/** Runner ID-token settings as written in a state file; every field is optional. */
export type RunnerIdTokenInput = Partial<RunnerIdToken>;

/** Returns the URN of an identity provider, `iam::{account_id}:identity-provider:{id}`. */
export function providerUrn(accountId: string, id: string): string {
  return `iam::${accountId}:identity-provider:${id}`;
}

/** Validates one identity provider entry. */
export function parseIdentityProvider(
  value: unknown,
  path: string,
): IdentityProvider {
  const object = asObject(value, path);
  rejectUnknownKeys(object, path, [
    'id',
    'accountId',
    'idpUrl',
    'clientId',
    'signingKey',
    'mappingRules',
  ]);
  const id = asString(
    object.id,
    `${path}.id`,
    /^[A-Za-z0-9_-]{1,64}$/,
    'an ID of 1 to 64 letters, digits, "_" or "-"',
  );
  const accountId = asString(
    object.accountId,
    `${path}.accountId`,
    HEX32,
    '32 lower-case hex digits',
  );
  const rules = asArray(object.mappingRules, `${path}.mappingRules`);
  if (rules.length === 0) {
    invalid(`${path}.mappingRules`, 'at least one rule', rules);
  }
  return {
    id,
    urn: providerUrn(accountId, id),
    accountId,
    idpUrl: asString(object.idpUrl, `${path}.idpUrl`, /^\S+$/, 'an issuer URL'),
    clientId: asString(
      object.clientId,
      `${path}.clientId`,
      /^\S+$/,
      'a client ID',
    ),
    signingKey: parseJwks(object.signingKey, `${path}.signingKey`),
    mappingRules: rules.map((rule, index) =>
      parseMappingRule(rule, `${path}.mappingRules[${index}]`),
    ),
  };
}

function parseJwks(value: unknown, path: string): Jwks {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      invalid(path, 'a JWKS object or its JSON text', value);
    }
  }
  const object = asObject(parsed, path);
  const keys = asArray(object.keys, `${path}.keys`).map((key, index) =>
    parsePublicJwk(key, `${path}.keys[${index}]`),
  );
  if (keys.length === 0) {
    invalid(`${path}.keys`, 'at least one key', keys);
  }
  return { keys };
}

function parsePublicJwk(value: unknown, path: string): JsonWebKey {
  const key = asObject(value, path) as JsonWebKey;
  asEnum(key.kty, `${path}.kty`, ['RSA']);
  try {
    createPublicKey({ key, format: 'jwk' });
  } catch (error) {
    throw new StateError(
      `${path}: not a usable RSA public key (${(error as Error).message})`,
    );
  }
  return key;
}

function parseMappingRule(value: unknown, path: string): MappingRule {
  const object = asObject(value, path);
  rejectUnknownKeys(object, path, ['conditions', 'userName']);
  return {
    conditions: parseClaimConditions(
      object.conditions ?? {},
      `${path}.conditions`,
    ),
    userName: asString(
      object.userName,
      `${path}.userName`,
      /^\S+$/,
      'a user name',
    ),
  };
}

function parseClaimConditions(value: unknown, path: string): ClaimConditions {
  const object = asObject(value, path);
  const conditions: ClaimConditions = {};
  for (const [claim, patterns] of Object.entries(object)) {
    conditions[claim] = parsePatterns(patterns, `${path}.${claim}`);
  }
  return conditions;
}

function parsePatterns(value: unknown, path: string): string[] {
  const list = typeof value === 'string' ? [value] : asArray(value, path);
  if (list.length === 0) {
    invalid(path, 'at least one pattern', value);
  }
  return list.map((item, index) => asString(item, `${path}[${index}]`));
}

/** Validates one agency entry; the account comes from the URN. */
export function parseAgency(value: unknown, path: string): Agency {
  const object = asObject(value, path);
  rejectUnknownKeys(object, path, [
    'urn',
    'maxDurationSeconds',
    'trustedProviders',
    'conditions',
  ]);
  const urn = asString(
    object.urn,
    `${path}.urn`,
    AGENCY_URN,
    'an agency URN iam::{account_id}:agency:{name}',
  );
  const trusted = asArray(object.trustedProviders, `${path}.trustedProviders`);
  return {
    urn,
    accountId: AGENCY_URN.exec(urn)?.[1] ?? '',
    maxDurationSeconds: asNumber(
      object.maxDurationSeconds ?? 3600,
      `${path}.maxDurationSeconds`,
      3600,
      43200,
    ),
    trustedProviders: trusted.map((item, index) =>
      asString(item, `${path}.trustedProviders[${index}]`),
    ),
    conditions: parseTrustConditions(
      object.conditions ?? {},
      `${path}.conditions`,
    ),
  };
}

function parseTrustConditions(value: unknown, path: string): TrustConditions {
  const object = asObject(value, path);
  rejectUnknownKeys(object, path, CONDITION_OPERATORS);
  const conditions: TrustConditions = {};
  for (const operator of CONDITION_OPERATORS) {
    if (object[operator] === undefined) {
      continue;
    }
    const keys = asObject(object[operator], `${path}.${operator}`);
    rejectUnknownKeys(keys, `${path}.${operator}`, OIDC_CONDITION_KEYS);
    const parsed: Partial<Record<string, string[]>> = {};
    for (const [key, values] of Object.entries(keys)) {
      parsed[key] = parsePatterns(values, `${path}.${operator}.${key}`);
    }
    conditions[operator] = parsed;
  }
  return conditions;
}

/** Default runner ID-token settings; the claims imitate a GitHub Actions job. */
export function defaultRunnerIdToken(): RunnerIdToken {
  return {
    requestToken: 'emulator-id-token-request-token',
    defaultAudience: 'https://github.com/octo-org',
    issuer: 'https://token.actions.githubusercontent.com',
    subject: 'repo:octo-org/octo-repo:ref:refs/heads/main',
    lifetimeSeconds: 300,
    claims: { repository: 'octo-org/octo-repo', ref: 'refs/heads/main' },
  };
}

/** Validates the runner ID-token settings, filling defaults. */
export function parseRunnerIdToken(
  value: unknown,
  path: string,
): RunnerIdToken {
  const object = asObject(value, path);
  rejectUnknownKeys(object, path, [
    'requestToken',
    'defaultAudience',
    'issuer',
    'subject',
    'lifetimeSeconds',
    'claims',
    'privateKey',
  ]);
  const defaults = defaultRunnerIdToken();
  const text = (
    key: 'requestToken' | 'defaultAudience' | 'issuer' | 'subject',
  ) =>
    asString(
      object[key] ?? defaults[key],
      `${path}.${key}`,
      /^\S+$/,
      'a non-empty string',
    );
  const settings: RunnerIdToken = {
    requestToken: text('requestToken'),
    defaultAudience: text('defaultAudience'),
    issuer: text('issuer'),
    subject: text('subject'),
    lifetimeSeconds: asNumber(
      object.lifetimeSeconds ?? defaults.lifetimeSeconds,
      `${path}.lifetimeSeconds`,
      1,
      86400,
    ),
    claims: parseStringMap(object.claims ?? defaults.claims, `${path}.claims`),
  };
  if (object.privateKey !== undefined) {
    settings.privateKey = parsePrivateJwk(
      object.privateKey,
      `${path}.privateKey`,
    );
  }
  return settings;
}

function parseStringMap(value: unknown, path: string): Record<string, string> {
  const object = asObject(value, path);
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(object)) {
    result[key] = asString(item, `${path}.${key}`);
  }
  return result;
}

function parsePrivateJwk(value: unknown, path: string): PrivateJwk {
  const key = asObject(value, path) as JsonWebKey;
  asEnum(key.kty, `${path}.kty`, ['RSA']);
  asString(key.kid, `${path}.kid`, /^\S+$/, 'a key ID');
  try {
    createPrivateKey({ key, format: 'jwk' });
  } catch (error) {
    throw new StateError(
      `${path}: not a usable RSA private key (${(error as Error).message})`,
    );
  }
  return key as PrivateJwk;
}

/** Checks that providers and agencies name known accounts and providers. */
export function checkFederationReferences(
  accountIds: ReadonlySet<string>,
  providers: readonly IdentityProvider[],
  agencies: readonly Agency[],
): void {
  const seen = new Set<string>();
  providers.forEach((provider, index) => {
    const path = `identityProviders[${index}]`;
    if (!accountIds.has(provider.accountId)) {
      throw new StateError(
        `${path}.accountId: account ${provider.accountId} is not in accounts`,
      );
    }
    if (seen.has(provider.id)) {
      throw new StateError(`${path}.id: duplicate ID ${provider.id}`);
    }
    seen.add(provider.id);
  });
  const urns = new Set(providers.map((provider) => provider.urn));
  const agencyUrns = new Set<string>();
  agencies.forEach((agency, index) => {
    checkAgency(agency, `agencies[${index}]`, accountIds, urns, agencyUrns);
  });
}

function checkAgency(
  agency: Agency,
  path: string,
  accountIds: ReadonlySet<string>,
  providerUrns: ReadonlySet<string>,
  seen: Set<string>,
): void {
  if (!accountIds.has(agency.accountId)) {
    throw new StateError(
      `${path}.urn: account ${agency.accountId} is not in accounts`,
    );
  }
  if (seen.has(agency.urn)) {
    throw new StateError(`${path}.urn: duplicate URN ${agency.urn}`);
  }
  seen.add(agency.urn);
  agency.trustedProviders.forEach((urn, index) => {
    if (!providerUrns.has(urn)) {
      throw new StateError(
        `${path}.trustedProviders[${index}]: identity provider ${urn} is not in identityProviders`,
      );
    }
  });
}
