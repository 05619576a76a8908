/**
 * IAM: KeystoneListProjects (`GET /v3/projects`) and password tokens
 * (`POST /v3/auth/tokens`). Errors use the Keystone body
 * `{"error": {"code", "message", "title"}}`.
 */
import { randomBytes } from 'node:crypto';
import type { HandlerContext } from './context.js';
import { iamError, ok, type Reply } from './reply.js';
import { pick, readJson } from './json-body.js';
import { headerValue, queryValue } from './request.js';
import { isoMicros } from './time-format.js';
import type { Account, IamUser, Project } from './types.js';

/** Handles KeystoneListProjects for the caller's account. */
export function listProjects(context: HandlerContext): Reply {
  const account = context.caller?.account;
  if (!account) {
    throw new Error('listProjects needs an authenticated caller');
  }
  const base = `http://${headerValue(context.request.headers, 'host') ?? '127.0.0.1'}`;
  const filters: [string, (project: Project) => string][] = [
    ['name', (project) => project.name],
    ['domain_id', (project) => project.accountId],
    ['parent_id', (project) => project.parentId ?? project.accountId],
    ['enabled', (project) => String(project.enabled ?? true)],
    ['is_domain', () => 'false'],
  ];
  const matching = context.store.projectsOf(account.id).filter((project) =>
    filters.every(([key, read]) => {
      const wanted = queryValue(context.request, key);
      return wanted === undefined || read(project) === wanted;
    }),
  );
  const perPage = Number(
    queryValue(context.request, 'per_page') ?? matching.length,
  );
  const page = Number(queryValue(context.request, 'page') ?? 1);
  const start = (Math.max(page, 1) - 1) * Math.max(perPage, 1);
  const slice = matching.slice(start, start + Math.max(perPage, 1));
  return ok({
    links: { self: `${base}/v3/projects`, previous: null, next: null },
    projects: slice.map((project) => projectView(project, base)),
  });
}

function projectView(project: Project, base: string): Record<string, unknown> {
  return {
    id: project.id,
    name: project.name,
    domain_id: project.accountId,
    parent_id: project.parentId ?? project.accountId,
    enabled: project.enabled ?? true,
    is_domain: false,
    description: project.description ?? '',
    links: { self: `${base}/v3/projects/${project.id}` },
  };
}

/** Handles password authentication; returns a project-scoped token. */
export function createToken(context: HandlerContext): Reply {
  const body = readJson(context.request.body);
  const identity = pick(body, ['auth', 'identity']);
  const methods = pick(identity, ['methods']);
  if (!Array.isArray(methods) || !methods.includes('password')) {
    throw iamError(
      400,
      'Bad Request',
      'auth.identity.methods must include "password".',
    );
  }
  const user = pick(identity, ['password', 'user']);
  const { account, iamUser } = checkPassword(context, user);

  const project = scopeProject(
    context,
    account,
    pick(body, ['auth', 'scope', 'project']),
  );
  const now = context.clock.now();
  const token = `MII${randomBytes(48).toString('base64url')}`;
  const expiresMs = now + context.store.settings.tokenTtlMs;
  context.store.tokens.set(token, {
    token,
    accountId: account.id,
    userId: iamUser.id,
    userName: iamUser.name,
    scope: 'project',
    projectId: project.id,
    identityProviderId: null,
    issuedMs: now,
    expiresMs,
  });

  const domain = { id: account.id, name: account.name };
  return {
    status: 201,
    headers: { 'X-Subject-Token': token },
    body: {
      token: {
        expires_at: isoMicros(expiresMs),
        issued_at: isoMicros(now),
        methods: ['password'],
        project: { id: project.id, name: project.name, domain },
        user: {
          id: iamUser.id,
          name: iamUser.name,
          domain,
          password_expires_at: '',
        },
        roles: [],
        catalog: [],
      },
    },
  };
}

function checkPassword(
  context: HandlerContext,
  user: unknown,
): { account: Account; iamUser: IamUser } {
  const name = pick(user, ['name']);
  const password = pick(user, ['password']);
  const domainName = pick(user, ['domain', 'name']);
  if (
    typeof name !== 'string' ||
    typeof password !== 'string' ||
    typeof domainName !== 'string'
  ) {
    throw iamError(
      400,
      'Bad Request',
      'auth.identity.password.user needs name, password and domain.name strings.',
    );
  }
  const account = context.store.accountByName(domainName);
  const iamUser = account?.users.find((candidate) => candidate.name === name);
  if (!account || !iamUser || iamUser.password !== password) {
    throw iamError(401, 'Unauthorized', 'The username or password is wrong.');
  }
  return { account, iamUser };
}

function scopeProject(
  context: HandlerContext,
  account: Account,
  scope: unknown,
): Project {
  const id = pick(scope, ['id']);
  const name = pick(scope, ['name']);
  if (typeof id !== 'string' && typeof name !== 'string') {
    throw iamError(
      400,
      'Bad Request',
      'auth.scope.project needs an id or a name; the emulator issues project-scoped tokens only.',
    );
  }
  const project = context.store
    .projectsOf(account.id)
    .find((candidate) => candidate.id === id || candidate.name === name);
  if (!project) {
    throw iamError(
      401,
      'Unauthorized',
      `Project ${String(id ?? name)} is not found in account ${account.name}.`,
    );
  }
  return project;
}
