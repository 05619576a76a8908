import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/index.js';
import { signedRequest, type TestCredentials } from './client.js';
import {
  IMAGE_A,
  IMAGE_B,
  IMAGE_GOLD,
  IMAGE_PARTNER,
  OWNER,
  OWNER_PROJECT,
  PARTNER,
  PARTNER_ACCOUNT,
  PARTNER_PROJECT,
  THIRD,
  THIRD_PROJECT,
  shareAndWait,
  startTestEmulator,
} from './fixtures.js';

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startTestEmulator();
});

afterEach(async () => {
  await emulator.close();
});

function get(
  credentials: TestCredentials,
  path: string,
  query: Record<string, string> = {},
) {
  return signedRequest(emulator.url, credentials, {
    method: 'GET',
    path,
    query,
  });
}

/** Adds `count` projects in the owner's region of new accounts as members of IMAGE_A. */
function seedMembers(count: number): string[] {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const id = `9${String(index).padStart(31, '0')}`;
    emulator.addProject({
      id,
      name: 'ap-southeast-1',
      region: 'ap-southeast-1',
      accountId: PARTNER_ACCOUNT,
    });
    ids.push(id);
  }
  return ids;
}

describe('member listing', () => {
  it('pages v1 members by marker', async () => {
    const ids = seedMembers(5);
    await shareAndWait(emulator, OWNER, { images: [IMAGE_A], projects: ids });
    const path = `/v1/${OWNER_PROJECT}/cloudimages/${IMAGE_A}/members`;
    const seen: string[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 5; page++) {
      const response = await get(OWNER, path, {
        limit: '2',
        ...(marker ? { marker } : {}),
      });
      expect(response.status).toBe(200);
      expect(response.json.schema).toBe('/v2/schemas/members');
      seen.push(
        ...response.json.members.map(
          (member: { member_id: string }) => member.member_id,
        ),
      );
      marker = response.json.page_info.next_marker;
      if (!marker) {
        expect(response.json.page_info.current_count).toBe(1);
        break;
      }
      expect(Buffer.from(marker, 'base64').length).toBeGreaterThan(0);
    }
    expect(seen).toEqual(ids);
  });

  it('formats member object', async () => {
    await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    const response = await get(
      OWNER,
      `/v1/${OWNER_PROJECT}/cloudimages/${IMAGE_A}/members`,
    );
    const member = response.json.members[0];
    expect(member).toEqual({
      status: 'pending',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      image_id: IMAGE_A,
      member_id: PARTNER_PROJECT,
      schema: '/v2/schemas/member',
      member_type: 'project',
    });
  });

  it('pages glance members', async () => {
    const ids = seedMembers(3);
    await shareAndWait(emulator, OWNER, { images: [IMAGE_A], projects: ids });
    const first = await get(OWNER, `/v2/images/${IMAGE_A}/members`, {
      limit: '2',
    });
    const second = await get(OWNER, `/v2/images/${IMAGE_A}/members`, {
      limit: '2',
      marker: first.json.page_info.next_marker,
    });
    const all = await get(OWNER, `/v2/images/${IMAGE_A}/members`);
    expect(first.json.members).toHaveLength(2);
    expect(second.json.members).toHaveLength(1);
    expect(second.json.page_info.next_marker).toBeUndefined();
    expect(all.json).toEqual({
      members: expect.any(Array),
      schema: '/v2/schemas/members',
    });
  });

  it('member sees own entry', async () => {
    await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT, THIRD_PROJECT],
    });
    const response = await get(
      PARTNER,
      `/v1/${PARTNER_PROJECT}/cloudimages/${IMAGE_A}/members`,
    );
    expect(response.status).toBe(200);
    expect(
      response.json.members.map(
        (member: { member_id: string }) => member.member_id,
      ),
    ).toEqual([PARTNER_PROJECT]);
  });

  it('stranger gets 404', async () => {
    const response = await get(
      THIRD,
      `/v1/${THIRD_PROJECT}/cloudimages/${IMAGE_A}/members`,
    );
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('IMG.0144');
  });

  it('rejects out-of-range limit', async () => {
    const response = await get(
      OWNER,
      `/v1/${OWNER_PROJECT}/cloudimages/${IMAGE_A}/members`,
      { limit: '1001' },
    );
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('IMG.0001');
  });
});

describe('image query', () => {
  it('finds image by id', async () => {
    const response = await get(OWNER, '/v2/cloudimages', { id: IMAGE_A });
    expect(response.json.images).toHaveLength(1);
    expect(response.json.images[0]).toMatchObject({
      id: IMAGE_A,
      name: 'image-a',
      status: 'active',
      visibility: 'private',
      __imagetype: 'private',
      owner: OWNER_PROJECT,
      __whole_image: 'false',
      virtual_env_type: 'FusionCompute',
      min_disk: 40,
      disk_format: 'zvhd2',
    });
    expect(response.json.images[0]).not.toHaveProperty('__system__cmkid');
  });

  it('finds image by name', async () => {
    const response = await get(OWNER, '/v2/cloudimages', { name: 'image-b' });
    expect(
      response.json.images.map((image: { id: string }) => image.id),
    ).toEqual([IMAGE_B]);
  });

  it('shows public images to all', async () => {
    const response = await get(THIRD, '/v2/cloudimages', { id: IMAGE_GOLD });
    expect(response.json.images[0].__imagetype).toBe('gold');
    expect(response.json.images[0].visibility).toBe('public');
  });

  it('hides foreign private image', async () => {
    const response = await get(THIRD, '/v2/cloudimages', { id: IMAGE_PARTNER });
    expect(response.json.images).toEqual([]);
  });

  it('marks shared image for owner', async () => {
    await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    const shared = await get(OWNER, '/v2/cloudimages', { id: IMAGE_A });
    expect(shared.json.images[0].__imagetype).toBe('shared');
    expect(shared.json.images[0].visibility).toBe('shared');
    await shareAndWait(
      emulator,
      OWNER,
      { images: [IMAGE_A], projects: [PARTNER_PROJECT] },
      'DELETE',
    );
    const unshared = await get(OWNER, '/v2/cloudimages', { id: IMAGE_A });
    expect(unshared.json.images[0].__imagetype).toBe('private');
  });

  it('recipient sees accepted image', async () => {
    await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    const pending = await get(PARTNER, '/v2/cloudimages', { id: IMAGE_A });
    const pendingFilter = await get(PARTNER, '/v2/cloudimages', {
      id: IMAGE_A,
      member_status: 'pending',
    });
    await shareAndWait(
      emulator,
      PARTNER,
      { images: [IMAGE_A], project_id: PARTNER_PROJECT, status: 'accepted' },
      'PUT',
    );
    const accepted = await get(PARTNER, '/v2/cloudimages', { id: IMAGE_A });
    expect(pending.json.images).toEqual([]);
    expect(pendingFilter.json.images).toHaveLength(1);
    expect(accepted.json.images[0].owner).toBe(OWNER_PROJECT);
  });

  it('pages images by marker', async () => {
    const first = await get(OWNER, '/v2/cloudimages', { limit: '2' });
    const second = await get(OWNER, '/v2/cloudimages', {
      limit: '2',
      marker: first.json.images[1].id,
    });
    const all = await get(OWNER, '/v2/cloudimages');
    const ids = all.json.images.map((image: { id: string }) => image.id);
    expect(first.json.images.map((image: { id: string }) => image.id)).toEqual(
      ids.slice(0, 2),
    );
    expect(second.json.images.map((image: { id: string }) => image.id)).toEqual(
      ids.slice(2, 4),
    );
  });

  it('marks encrypted image', async () => {
    const response = await get(OWNER, '/v2/cloudimages', {
      name: 'enc-custom',
    });
    expect(response.json.images[0].__system__cmkid).toBe('kms-custom-key');
  });
});
