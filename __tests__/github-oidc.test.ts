import { describe, expect, it } from 'vitest';

import { requestGitHubIdToken } from '../src/cloud/github-oidc.js';
import type { Transport } from '../src/cloud/transport.js';
import type { ApiRequest, ApiResponse } from '../src/http/types.js';

const REQUEST_URL =
  'https://pipelines.actions.example.test/abc/_apis/distributedtask/hubs/Actions/plans/1/jobs/2/idtoken?api-version=2.0';

/** Returns a transport that responds with `body` and records the requests. */
function fakeTransport(body: unknown): {
  transport: Transport;
  requests: ApiRequest[];
} {
  const requests: ApiRequest[] = [];
  const transport: Transport = {
    send<T>(request: ApiRequest): Promise<ApiResponse<T>> {
      requests.push(request);
      return Promise.resolve({
        status: 200,
        headers: {},
        body: body as T,
        requestId: undefined,
      });
    },
  };
  return { transport, requests };
}

describe('requestGitHubIdToken', () => {
  const signal = new AbortController().signal;

  it('adds the audience to the runner URL', async () => {
    const { transport, requests } = fakeTransport({ value: 'header.body.sig' });
    const token = await requestGitHubIdToken(
      transport,
      REQUEST_URL,
      'sts.example:aud/1',
      signal,
    );
    expect(token).toBe('header.body.sig');
    expect(requests).toHaveLength(1);
    const url = requests[0]?.url;
    expect(url?.searchParams.get('api-version')).toBe('2.0');
    expect(url?.searchParams.get('audience')).toBe('sts.example:aud/1');
    expect(requests[0]?.method).toBe('GET');
    expect(requests[0]?.idempotent).toBe(true);
  });

  it.each([[{}], [{ value: '' }], [{ value: 42 }], [undefined]])(
    'rejects a response without a token: %j',
    async (body) => {
      const { transport } = fakeTransport(body);
      await expect(
        requestGitHubIdToken(transport, REQUEST_URL, 'aud', signal),
      ).rejects.toThrow('has no token in its "value" field');
    },
  );
});
