/**
 * IAM CreateTokenWithIdToken (`POST /v3.0/OS-AUTH/id-token/tokens`): signs
 * a federated user in with an OpenID Connect ID token. `X-Idp-Id` names the
 * provider, whose static key set and claims verify the token. The first
 * matching mapping rule then names the user.
 * Errors use the Keystone body `{"error": {"code", "message", "title"}}`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { findMappingRule } from './claim-match.js';
import type { HandlerContext } from './context.js';
import type { IdentityProvider } from './federation-types.js';
import { IdTokenError, verifyIdToken } from './id-token-verify.js';
import { pick, readJson } from './json-body.js';
import { iamError, type Reply } from './reply.js';
import { headerValue } from './request.js';
import type { TokenRecord, TokenScope } from './store.js';
import { isoMicros } from './time-format.js';
import type { Account, Project } from './types.js';

/** Handles CreateTokenWithIdToken; returns 201 with `X-Subject-Token`. */
export function createTokenWithIdToken(context: HandlerContext): Reply {
  const provider = findProvider(context);
  const body = readJson(context.request.body);
  const idToken = pick(body, ['auth', 'id_token', 'id']);
  if (typeof idToken !== 'string' || idToken === '') {
    throw iamError(
      400,
      'Bad Request',
      'auth.id_token.id must be the ID token as a non-empty string.',
    );
  }
  const claims = verifyClaims(context, provider, idToken);
  const rule = findMappingRule(claims, provider.mappingRules);
  if (!rule) {
    throw iamError(
      401,
      'Unauthorized',
      `No mapping rule of identity provider ${provider.id} matches the ID token (sub ${JSON.stringify(claims.sub)}).`,
    );
  }
  const account = context.store.accounts.get(provider.accountId);
  if (!account) {
    throw new Error(`account ${provider.accountId} not found`);
  }
  const record = saveToken(context, provider, account, rule.userName, body);
  return {
    status: 201,
    headers: { 'X-Subject-Token': record.token },
    body: tokenBody(context, record, account),
  };
}

function findProvider(context: HandlerContext): IdentityProvider {
  const id = headerValue(context.request.headers, 'x-idp-id');
  if (id === undefined || id === '') {
    throw iamError(400, 'Bad Request', 'The X-Idp-Id header is missing.');
  }
  const provider = context.store.identityProviders.get(id);
  if (!provider) {
    throw iamError(
      401,
      'Unauthorized',
      `Identity provider ${id} is not found.`,
    );
  }
  return provider;
}

function verifyClaims(
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
      throw iamError(401, 'Unauthorized', error.message);
    }
    throw error;
  }
}

function saveToken(
  context: HandlerContext,
  provider: IdentityProvider,
  account: Account,
  userName: string,
  body: unknown,
): TokenRecord {
  const scope = pick(body, ['auth', 'scope']);
  const project =
    scope === undefined ? null : scopeProject(context, account, scope);
  const now = context.clock.now();
  const record: TokenRecord = {
    token: `MII${randomBytes(48).toString('base64url')}`,
    accountId: account.id,
    userId: federatedUserId(provider, userName),
    userName,
    scope: tokenScope(scope, project),
    projectId: project?.id ?? null,
    identityProviderId: provider.id,
    issuedMs: now,
    expiresMs: now + context.store.settings.tokenTtlMs,
  };
  context.store.tokens.set(record.token, record);
  return record;
}

function tokenScope(scope: unknown, project: Project | null): TokenScope {
  if (scope === undefined) {
    return 'unscoped';
  }
  return project ? 'project' : 'domain';
}

/** Returns the scoped project, or null for a domain scope of the account. */
function scopeProject(
  context: HandlerContext,
  account: Account,
  scope: unknown,
): Project | null {
  const project = pick(scope, ['project']);
  const domain = pick(scope, ['domain']);
  const target = project ?? domain;
  const id = pick(target, ['id']);
  const name = pick(target, ['name']);
  if (typeof id !== 'string' && typeof name !== 'string') {
    throw iamError(
      400,
      'Bad Request',
      'auth.scope needs project or domain, each with an id or a name; omit auth.scope for an unscoped token.',
    );
  }
  if (project === undefined) {
    if (id !== account.id && name !== account.name) {
      throw iamError(
        401,
        'Unauthorized',
        `Domain ${String(id ?? name)} is not the identity provider's account ${account.name}.`,
      );
    }
    return null;
  }
  const found = context.store
    .projectsOf(account.id)
    .find((candidate) => candidate.id === id || candidate.name === name);
  if (!found) {
    throw iamError(
      401,
      'Unauthorized',
      `Project ${String(id ?? name)} is not found in account ${account.name}.`,
    );
  }
  return found;
}

function federatedUserId(provider: IdentityProvider, userName: string): string {
  return createHash('sha256')
    .update(`${provider.urn}\n${userName}`)
    .digest('hex')
    .slice(0, 32);
}

function tokenBody(
  context: HandlerContext,
  record: TokenRecord,
  account: Account,
): Record<string, unknown> {
  const domain = { id: account.id, name: account.name };
  const token: Record<string, unknown> = {
    expires_at: isoMicros(record.expiresMs),
    issued_at: isoMicros(record.issuedMs),
    methods: ['mapped'],
    user: {
      id: record.userId,
      name: record.userName,
      domain,
      'OS-FEDERATION': {
        identity_provider: { id: record.identityProviderId },
        protocol: { id: 'oidc' },
        groups: [],
      },
    },
    roles: [],
    catalog: [],
  };
  if (record.scope === 'domain') {
    token.domain = domain;
  }
  const project =
    record.projectId === null
      ? undefined
      : context.store.projects.get(record.projectId);
  if (project) {
    token.project = { id: project.id, name: project.name, domain };
  }
  return { token };
}
