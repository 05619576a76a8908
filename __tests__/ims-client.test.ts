import { describe, expect, it } from 'vitest';

import { ImsClient } from '../src/cloud/ims.js';
import type { Transport } from '../src/cloud/transport.js';
import type { ApiRequest, ApiResponse } from '../src/http/types.js';

const PROJECT = '988f29eec663aaaa8f503baf49d24fc7';
const IMAGE = '2c17be40-4fdc-4c8d-8352-e4bd386e0594';
const ENDPOINT = new URL('https://ims.ap-southeast-1.myhuaweicloud.com');

/** Returns a transport that responds to each request from `respond` and records it. */
function fakeTransport(respond: (url: URL) => unknown): {
  transport: Transport;
  urls: URL[];
} {
  const urls: URL[] = [];
  const transport: Transport = {
    send<T>(request: ApiRequest): Promise<ApiResponse<T>> {
      urls.push(request.url);
      return Promise.resolve({
        status: 200,
        headers: {},
        body: respond(request.url) as T,
        requestId: undefined,
      });
    },
  };
  return { transport, urls };
}

/** An image as ListImages returns it: many more fields than the action reads. */
const LISTED_IMAGE = {
  id: IMAGE,
  name: 'web',
  status: 'active',
  visibility: 'private',
  __imagetype: 'private',
  owner: PROJECT,
  __whole_image: 'false',
  virtual_env_type: 'FusionCompute',
  __os_version: 'Ubuntu 22.04 server 64bit',
  min_disk: 40,
  size: 0,
  tags: [],
  created_at: '2026-11-30T08:00:00Z',
  file: `/v2/images/${IMAGE}/file`,
};

describe('ImsClient', () => {
  const signal = new AbortController().signal;

  it('keeps only the image fields the action reads', async () => {
    const { transport } = fakeTransport(() => ({ images: [LISTED_IMAGE] }));
    const ims = new ImsClient(transport, ENDPOINT, PROJECT);
    expect(await ims.showImage(IMAGE, signal)).toEqual({
      id: IMAGE,
      name: 'web',
      status: 'active',
      visibility: 'private',
      __imagetype: 'private',
      owner: PROJECT,
      __whole_image: 'false',
      virtual_env_type: 'FusionCompute',
    });
    expect(await ims.listImagesByName('web', signal)).toEqual([
      await ims.showImage(IMAGE, signal),
    ]);
  });

  it('keeps only the member fields the action reads, page after page', async () => {
    const { transport, urls } = fakeTransport((url) => {
      const marker = url.searchParams.get('marker');
      const member = {
        member_id: marker === null ? 'a'.repeat(32) : 'b'.repeat(32),
        member_type: 'project',
        status: 'pending',
        image_id: IMAGE,
        created_at: '2026-12-01T10:00:00Z',
        updated_at: '2026-12-01T10:00:00Z',
        schema: '/v2/schemas/member',
      };
      return {
        members: [member],
        page_info: { next_marker: marker === null ? 'page-2' : null },
      };
    });
    const ims = new ImsClient(transport, ENDPOINT, PROJECT);
    expect(await ims.listImageMembers(IMAGE, signal)).toEqual([
      { member_id: 'a'.repeat(32), member_type: 'project', status: 'pending' },
      { member_id: 'b'.repeat(32), member_type: 'project', status: 'pending' },
    ]);
    expect(urls.map((url) => url.searchParams.get('marker'))).toEqual([
      null,
      'page-2',
    ]);
  });

  it('keeps the URN of an organization member', async () => {
    const urn = 'organizations::0a1b2c3d4e5f::ou:ou-abcd';
    const { transport } = fakeTransport(() => ({
      members: [
        {
          member_id: urn,
          member_type: 'organization',
          status: 'accepted',
          urn,
        },
      ],
    }));
    const ims = new ImsClient(transport, ENDPOINT, PROJECT);
    expect(await ims.listImageMembers(IMAGE, signal)).toEqual([
      {
        member_id: urn,
        member_type: 'organization',
        status: 'accepted',
        urn,
      },
    ]);
  });
});
