/**
 * Route table: method, path pattern, route name, where the caller's project
 * comes from, and whether the route creates a job.
 */
import type { Handler } from './context.js';
import type { RouteName } from './faults.js';
import { listImages } from './images-handler.js';
import { createToken, listProjects } from './iam-handlers.js';
import { createTokenWithIdToken } from './id-token-handler.js';
import { showJob } from './job-handler.js';
import { glanceListMembers, listMembers } from './member-listing.js';
import {
  addMembers,
  deleteMembers,
  updateMembers,
} from './members-handlers.js';
import { getIdToken, ID_TOKEN_PATH } from './runner-token-handler.js';
import { createTemporaryAccessKey } from './security-token-handler.js';
import { assumeAgencyWithOidc } from './sts-handler.js';

/**
 * Authentication of a route: `none` (no credentials), `account` (any valid
 * credentials, no project needed), `header` (project from `X-Project-Id` or
 * the token scope), `path` (project from the `{project_id}` segment).
 */
export type RouteAuth = 'none' | 'account' | 'header' | 'path';

/** Emulated route. */
export interface Route {
  name: RouteName;
  method: string;
  pattern: string;
  auth: RouteAuth;
  createsJob: boolean;
  handler: Handler;
}

/** All routes of the emulator. */
export const ROUTES: readonly Route[] = [
  route(
    'addMembers',
    'POST',
    '/v1/cloudimages/members',
    'header',
    addMembers,
    true,
  ),
  route(
    'updateMembers',
    'PUT',
    '/v1/cloudimages/members',
    'header',
    updateMembers,
    true,
  ),
  route(
    'deleteMembers',
    'DELETE',
    '/v1/cloudimages/members',
    'header',
    deleteMembers,
    true,
  ),
  route('showJob', 'GET', '/v1/{project_id}/jobs/{job_id}', 'path', showJob),
  route(
    'listMembers',
    'GET',
    '/v1/{project_id}/cloudimages/{image_id}/members',
    'path',
    listMembers,
  ),
  route(
    'glanceListMembers',
    'GET',
    '/v2/images/{image_id}/members',
    'header',
    glanceListMembers,
  ),
  route('listImages', 'GET', '/v2/cloudimages', 'header', listImages),
  route('listProjects', 'GET', '/v3/projects', 'account', listProjects),
  route('createToken', 'POST', '/v3/auth/tokens', 'none', createToken),
  route(
    'createTokenWithIdToken',
    'POST',
    '/v3.0/OS-AUTH/id-token/tokens',
    'none',
    createTokenWithIdToken,
  ),
  route(
    'createTemporaryAccessKey',
    'POST',
    '/v3.0/OS-CREDENTIAL/securitytokens',
    'none',
    createTemporaryAccessKey,
  ),
  route(
    'assumeAgencyWithOidc',
    'POST',
    '/v5/agencies/assume-with-oidc',
    'none',
    assumeAgencyWithOidc,
  ),
  route('getIdToken', 'GET', ID_TOKEN_PATH, 'none', getIdToken),
];

/** Route with the path parameters of a request. */
export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/**
 * Finds the route for a method and decoded path segments; a single
 * trailing `/` is ignored.
 */
export function matchRoute(
  method: string,
  segments: readonly string[],
): RouteMatch | null {
  const actual = segments.at(-1) === '' ? segments.slice(0, -1) : segments;
  for (const candidate of ROUTES) {
    if (candidate.method !== method) {
      continue;
    }
    const params = matchSegments(candidate.pattern.split('/').slice(1), actual);
    if (params) {
      return { route: candidate, params };
    }
  }
  return null;
}

function matchSegments(
  pattern: readonly string[],
  actual: readonly string[],
): Record<string, string> | null {
  if (pattern.length !== actual.length) {
    return null;
  }
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const value = actual[index] ?? '';
    const name = /^\{(.+)\}$/.exec(part)?.[1];
    if (name !== undefined && value !== '') {
      params[name] = value;
    } else if (part !== value) {
      return null;
    }
  }
  return params;
}

function route(
  name: RouteName,
  method: string,
  pattern: string,
  auth: RouteAuth,
  handler: Handler,
  createsJob = false,
): Route {
  return { name, method, pattern, auth, createsJob, handler };
}
