/**
 * Matching of ID-token claims against identity-provider mapping rules and
 * agency trust-policy conditions.
 */
import type {
  Agency,
  ClaimConditions,
  MappingRule,
  OidcConditionKey,
} from './federation-types.js';

/** Tests whether a value matches a pattern in which `*` matches any run of characters. */
export function matchesWildcard(value: string, pattern: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** Returns the string values of a claim: one for a string, each string of an array. */
export function claimValues(claim: unknown): string[] {
  if (typeof claim === 'string') {
    return [claim];
  }
  if (Array.isArray(claim)) {
    return claim.filter((item): item is string => typeof item === 'string');
  }
  if (typeof claim === 'number' || typeof claim === 'boolean') {
    return [String(claim)];
  }
  return [];
}

/** Tests whether every listed claim has a value that matches one of its patterns. */
export function matchesConditions(
  claims: Record<string, unknown>,
  conditions: ClaimConditions,
): boolean {
  return Object.entries(conditions).every(([name, patterns]) =>
    claimValues(claims[name]).some((value) =>
      patterns.some((pattern) => matchesWildcard(value, pattern)),
    ),
  );
}

/** Returns the first mapping rule whose conditions the claims meet, or undefined. */
export function findMappingRule(
  claims: Record<string, unknown>,
  rules: readonly MappingRule[],
): MappingRule | undefined {
  return rules.find((rule) => matchesConditions(claims, rule.conditions));
}

const CLAIM_OF_KEY: Record<OidcConditionKey, string> = {
  'oidc:iss': 'iss',
  'oidc:aud': 'aud',
  'oidc:sub': 'sub',
};

/**
 * Returns the first trust-policy condition that the claims fail, as
 * `Operator oidc:key`, or null when all are met.
 */
export function failedTrustCondition(
  claims: Record<string, unknown>,
  agency: Agency,
): string | null {
  for (const [operator, keys] of Object.entries(agency.conditions)) {
    for (const [key, accepted] of Object.entries(keys ?? {})) {
      const values = claimValues(claims[CLAIM_OF_KEY[key as OidcConditionKey]]);
      const satisfied = values.some((value) =>
        (accepted ?? []).some((candidate) =>
          operator === 'StringEquals'
            ? value === candidate
            : matchesWildcard(value, candidate),
        ),
      );
      if (!satisfied) {
        return `${operator} ${key}`;
      }
    }
  }
  return null;
}
