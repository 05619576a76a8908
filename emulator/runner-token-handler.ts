/**
 * The runner's ID-token endpoint as `@actions/core` `getIDToken` calls it:
 * `GET {ACTIONS_ID_TOKEN_REQUEST_URL}&audience={aud}` with
 * `Authorization: Bearer {ACTIONS_ID_TOKEN_REQUEST_TOKEN}`, which returns
 * `{"value": "<JWT>"}` (`@actions/core` 3.0 `lib/oidc-utils.js`).
 */
import { randomUUID } from 'node:crypto';
import type { HandlerContext } from './context.js';
import type { RunnerIdToken } from './federation-types.js';
import { signRs256 } from './jwt.js';
import { ReplyError, type Reply } from './reply.js';
import { headerValue, queryValue } from './request.js';

/** Path of the endpoint; the request URL adds `?api-version=2.0`. */
export const ID_TOKEN_PATH = '/_actions/idtoken';

/** Handles an ID-token request: checks the bearer token, then calls the token source. */
export async function getIdToken(context: HandlerContext): Promise<Reply> {
  const settings = context.store.runnerIdToken;
  const authorization = headerValue(context.request.headers, 'authorization');
  if (authorization !== `Bearer ${settings.requestToken}`) {
    throw runnerError(
      401,
      authorization === undefined
        ? 'The Authorization header is missing; send Bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN.'
        : "The bearer token is not this runner's ACTIONS_ID_TOKEN_REQUEST_TOKEN.",
    );
  }
  const audience =
    queryValue(context.request, 'audience') ?? settings.defaultAudience;
  const source = context.store.idTokenSource;
  if (source) {
    return { status: 200, body: { value: await source(audience) } };
  }
  return {
    status: 200,
    body: { value: builtInToken(settings, audience, context.clock.now()) },
  };
}

/** Signs a token with the state's runner key, imitating a GitHub Actions job. */
function builtInToken(
  settings: RunnerIdToken,
  audience: string,
  nowMs: number,
): string {
  if (!settings.privateKey) {
    throw runnerError(
      500,
      'No ID-token source: set runnerIdToken.privateKey in the state, or call setIdTokenSource.',
    );
  }
  const now = Math.floor(nowMs / 1000);
  return signRs256(
    {
      ...settings.claims,
      jti: randomUUID(),
      iss: settings.issuer,
      aud: audience,
      sub: settings.subject,
      iat: now,
      nbf: now,
      exp: now + settings.lifetimeSeconds,
    },
    settings.privateKey,
  );
}

function runnerError(status: number, message: string): ReplyError {
  return new ReplyError({ status, body: { message } });
}
