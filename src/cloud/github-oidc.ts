/**
 * The GitHub Actions OIDC ID token, requested from the runner the way
 * `core.getIDToken` requests it (`@actions/core` 3 `lib/oidc-utils.js`):
 * `GET {ACTIONS_ID_TOKEN_REQUEST_URL}` with an `audience` query parameter
 * and `Authorization: Bearer {ACTIONS_ID_TOKEN_REQUEST_TOKEN}`. The response
 * body is `{"value": "<JWT>"}`. The action sends the request through its own
 * HTTP client, so the request timeout, the retry policy, the proxy settings
 * and cancellation apply to it as to every other request.
 */

import { ID_TOKEN_OPERATION } from '../http/client.js';
import type { Transport } from './transport.js';

/** Body of the runner's ID-token response. */
interface IdTokenBody {
  value?: unknown;
}

/**
 * Returns a new ID token for `audience`. `http` must send
 * `Authorization: Bearer {ACTIONS_ID_TOKEN_REQUEST_TOKEN}`.
 */
export async function requestGitHubIdToken(
  http: Transport,
  requestUrl: string,
  audience: string,
  signal: AbortSignal,
): Promise<string> {
  const url = new URL(requestUrl);
  url.searchParams.set('audience', audience);
  const response = await http.send<IdTokenBody | undefined>(
    {
      method: 'GET',
      url,
      headers: { Accept: 'application/json' },
      operation: `${ID_TOKEN_OPERATION} for audience "${audience}"`,
      idempotent: true,
    },
    signal,
  );
  const value = response.body?.value;
  if (typeof value !== 'string' || value === '') {
    throw new Error(
      `The runner's ID-token response for audience "${audience}" has no token in its "value" field.`,
    );
  }
  return value;
}
