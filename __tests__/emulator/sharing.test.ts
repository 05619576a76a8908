import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/index.js';
import { send, signHeaders, signedRequest } from './client.js';
import {
  IMAGE_A,
  IMAGE_B,
  IMAGE_ENCRYPTED_CUSTOM,
  IMAGE_ENCRYPTED_DEFAULT,
  IMAGE_GOLD,
  IMAGE_MARKET,
  IMAGE_PARTNER,
  IMAGE_SAVING,
  IMAGE_UNKNOWN,
  IMAGE_WHOLE_BACKUP,
  IMAGE_WHOLE_NO_BACKUP,
  OWNER,
  OWNER_ACCOUNT,
  OWNER_DEV_PROJECT,
  OWNER_PROJECT,
  PARTNER,
  PARTNER_ACCOUNT,
  PARTNER_FAR_PROJECT,
  PARTNER_PROJECT,
  THIRD,
  THIRD_PROJECT,
  UNKNOWN_PROJECT,
  shareAndWait,
  showJob,
  startTestEmulator,
  submitJob,
  waitForJob,
} from './fixtures.js';

let emulator: Emulator;

afterEach(async () => {
  await emulator.close();
});

async function start(settings: Parameters<typeof startTestEmulator>[0] = {}) {
  emulator = await startTestEmulator(settings);
  return emulator;
}

function post(body: unknown) {
  return signedRequest(emulator.url, OWNER, {
    method: 'POST',
    path: '/v1/cloudimages/members',
    body,
  });
}

describe('job lifecycle', () => {
  it('moves INIT RUNNING SUCCESS', async () => {
    await start({ jobDurationMs: 400, jobInitFraction: 0.5 });
    const started = Date.now();
    const jobId = await submitJob(emulator, OWNER, 'POST', {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    const first = await showJob(emulator, OWNER, jobId);
    expect(first.json.status).toBe('INIT');
    expect(first.json.end_time).toBe('');
    expect(first.json.error_code).toBeNull();
    expect(first.json.fail_reason).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 250));
    const second = await showJob(emulator, OWNER, jobId);
    expect(second.json.status).toBe('RUNNING');
    expect(emulator.getMembers(IMAGE_A)).toEqual([]);
    const done = await waitForJob(emulator, OWNER, jobId);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(done.status).toBe('SUCCESS');
    expect(done.job_type).toBe('imsAddImageMembersJob');
    expect(done.job_id).toBe(jobId);
    expect(done.begin_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(done.end_time) - Date.parse(done.begin_time)).toBe(400);
    expect(done.entities.results).toEqual([
      { image_id: IMAGE_A, project_id: PARTNER_PROJECT, status: 'success' },
    ]);
  });

  it('applies members without polling', async () => {
    await start({ jobDurationMs: 30 });
    await submitJob(emulator, OWNER, 'POST', {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    await new Promise((resolve) => setTimeout(resolve, 120));
    const members = emulator.getMembers(IMAGE_A);
    expect(members).toHaveLength(1);
    expect(members[0]?.status).toBe('pending');
  });

  it('ends job when clock advances', async () => {
    await start({ jobDurationMs: 60_000 });
    const jobId = await submitJob(emulator, OWNER, 'POST', {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    emulator.advanceClock(60_000);
    const response = await showJob(emulator, OWNER, jobId);
    expect(response.json.status).toBe('SUCCESS');
  });

  it('speeds up with time scale', async () => {
    await start({ jobDurationMs: 10_000 });
    emulator.setTimeScale(1000);
    const jobId = await submitJob(emulator, OWNER, 'POST', {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    const done = await waitForJob(emulator, OWNER, jobId);
    expect(done.status).toBe('SUCCESS');
  });

  it('overrides duration per job', async () => {
    await start({ jobDurationMs: 60_000 });
    const jobId = await submitJob(emulator, OWNER, 'POST', {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    emulator.setJobDuration(jobId, 20);
    const done = await waitForJob(emulator, OWNER, jobId);
    expect(done.status).toBe('SUCCESS');
  });

  it('keeps never-ending job running', async () => {
    await start({ jobDurationMs: 10 });
    const jobId = await submitJob(emulator, OWNER, 'POST', {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    emulator.setJobDuration(jobId, null);
    emulator.advanceClock(24 * 60 * 60 * 1000);
    const response = await showJob(emulator, OWNER, jobId);
    expect(response.json.status).toBe('RUNNING');
    expect(emulator.getMembers(IMAGE_A)).toEqual([]);
  });

  it('hides job from other project', async () => {
    await start();
    const jobId = await submitJob(emulator, OWNER, 'POST', {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    const foreign = await showJob(emulator, PARTNER, jobId);
    const sibling = await showJob(
      emulator,
      { ...OWNER, projectId: OWNER_DEV_PROJECT },
      jobId,
    );
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.code).toBe('IMG.0023');
    expect(sibling.status).toBe(404);
  });
});

describe('synchronous validation', () => {
  const cases: [string, string, string][] = [
    ['empty body', '', 'IMG.0007'],
    ['array body', '[]', 'IMG.0001'],
    ['no targets', JSON.stringify({ images: [IMAGE_A] }), 'IMG.0001'],
    [
      'empty images',
      JSON.stringify({ images: [], projects: [PARTNER_PROJECT] }),
      'IMG.0001',
    ],
    [
      'malformed image ID',
      JSON.stringify({ images: ['abc'], projects: [PARTNER_PROJECT] }),
      'IMG.0066',
    ],
    [
      'malformed project ID',
      JSON.stringify({ images: [IMAGE_A], projects: ['P1'] }),
      'IMG.0067',
    ],
    [
      'malformed domain ID',
      JSON.stringify({ images: [IMAGE_A], domains: ['D1'] }),
      'IMG.0067',
    ],
    [
      'malformed URN',
      JSON.stringify({ images: [IMAGE_A], organizations: ['urn:x'] }),
      'IMG.0001',
    ],
  ];

  for (const [name, body, code] of cases) {
    it(`rejects ${name}`, async () => {
      await start();
      const response = await signedRequest(emulator.url, OWNER, {
        method: 'POST',
        path: '/v1/cloudimages/members',
        headers: { 'content-type': 'application/json' },
        ...(body === '' ? {} : { body: JSON.parse(body) }),
      });
      expect(response.status).toBe(400);
      expect(response.json.error.code).toBe(code);
    });
  }

  it('rejects truncated JSON body', async () => {
    await start();
    const headers = signHeaders(emulator.url, OWNER, {
      method: 'POST',
      path: '/v1/cloudimages/members',
      headers: {
        'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD',
        'content-type': 'application/json',
      },
    });
    const response = await send(
      emulator.url,
      'POST',
      '/v1/cloudimages/members',
      headers,
      '{"images":',
    );
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('IMG.0001');
  });

  it('accepts null projects with domains', async () => {
    await start();
    const response = await post({
      images: [IMAGE_A],
      projects: null,
      domains: [PARTNER_ACCOUNT],
    });
    expect(response.status).toBe(200);
    expect(response.json.job_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('limits images per request', async () => {
    await start({ maxImagesPerRequest: 1 });
    const response = await post({
      images: [IMAGE_A, IMAGE_B],
      projects: [PARTNER_PROJECT],
    });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('IMG.0001');
    expect(response.json.error.message).toContain('maximum of 1');
  });

  it('limits targets per request', async () => {
    await start({ maxTargetsPerRequest: 1 });
    const response = await post({
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT, THIRD_PROJECT],
    });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('IMG.0001');
  });
});

describe('sharing rules in job', () => {
  const cases: [string, string, string, string][] = [
    ['unknown image', IMAGE_UNKNOWN, PARTNER_PROJECT, 'IMG.0027'],
    ['foreign image', IMAGE_PARTNER, PARTNER_PROJECT, 'IMG.0106'],
    ['inactive image', IMAGE_SAVING, PARTNER_PROJECT, 'IMG.0046'],
    ['public image', IMAGE_GOLD, PARTNER_PROJECT, 'IMG.0089'],
    ['market image', IMAGE_MARKET, PARTNER_PROJECT, 'IMG.0107'],
    ['encrypted image', IMAGE_ENCRYPTED_CUSTOM, PARTNER_PROJECT, 'IMG.0098'],
    [
      'whole image without backup',
      IMAGE_WHOLE_NO_BACKUP,
      PARTNER_PROJECT,
      'IMG.0135',
    ],
    ['own project', IMAGE_A, OWNER_PROJECT, 'IMG.0076'],
    ['other region', IMAGE_A, PARTNER_FAR_PROJECT, 'IMG.0177'],
    ['unknown project', IMAGE_A, UNKNOWN_PROJECT, 'IMG.0108'],
  ];

  for (const [name, image, project, code] of cases) {
    it(`fails pair for ${name}`, async () => {
      await start();
      const job = await shareAndWait(emulator, OWNER, {
        images: [image],
        projects: [project],
      });
      expect(job.status).toBe('FAIL');
      expect(job.error_code).toBe(code);
      expect(job.fail_reason).toEqual(expect.any(String));
      expect(job.entities.results).toEqual([
        { image_id: image, project_id: project, status: 'failed' },
      ]);
    });
  }

  it('fails pair for own account', async () => {
    await start();
    const job = await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      domains: [OWNER_ACCOUNT],
    });
    expect(job.error_code).toBe('IMG.0178');
  });

  it('shares with sibling project', async () => {
    await start();
    const job = await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      projects: [OWNER_DEV_PROJECT],
    });
    expect(job.status).toBe('SUCCESS');
  });

  it('shares whole image from backup', async () => {
    await start();
    const job = await shareAndWait(emulator, OWNER, {
      images: [IMAGE_WHOLE_BACKUP],
      projects: [PARTNER_PROJECT],
    });
    expect(job.status).toBe('SUCCESS');
  });

  it('shares with domain and organization', async () => {
    await start();
    const urn = `organizations::${PARTNER_ACCOUNT}:ou:o-abc123/ou-xyz789`;
    const job = await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      domains: [PARTNER_ACCOUNT],
      organizations: [urn],
    });
    expect(job.status).toBe('SUCCESS');
    const members = emulator.getMembers(IMAGE_A);
    expect(members.map((member) => member.memberType)).toEqual([
      'domain',
      'organization',
    ]);
    expect(members[1]?.urn).toBe(urn);
    expect(members[1]?.memberId).toBe('ou-xyz789');
  });

  it('refuses only default key', async () => {
    await start({ encryptedImages: 'refuse-default-key' });
    const job = await shareAndWait(emulator, OWNER, {
      images: [IMAGE_ENCRYPTED_DEFAULT, IMAGE_ENCRYPTED_CUSTOM],
      projects: [PARTNER_PROJECT],
    });
    expect(job.error_code).toBe('IMG.0098');
    expect(
      job.entities.results.map((item: { status: string }) => item.status),
    ).toEqual(['failed', 'success']);
  });
});

describe('settings', () => {
  const body = { images: [IMAGE_A, IMAGE_SAVING], projects: [PARTNER_PROJECT] };

  it('partial mode applies good pairs', async () => {
    await start({ failedPairMode: 'partial' });
    const job = await shareAndWait(emulator, OWNER, body);
    expect(job.status).toBe('SUCCESS');
    expect(job.error_code).toBe('IMG.0046');
    expect(
      job.entities.results.map((item: { status: string }) => item.status),
    ).toEqual(['success', 'failed']);
    expect(emulator.getMembers(IMAGE_A)).toHaveLength(1);
  });

  it('fail-job mode applies nothing', async () => {
    await start({ failedPairMode: 'fail-job' });
    const job = await shareAndWait(emulator, OWNER, body);
    expect(job.status).toBe('FAIL');
    expect(job.error_code).toBe('IMG.0046');
    expect(
      job.entities.results.map((item: { status: string }) => item.status),
    ).toEqual(['failed', 'failed']);
    expect(emulator.getMembers(IMAGE_A)).toEqual([]);
  });

  it('image-only result items', async () => {
    await start({ resultItems: 'image-only' });
    const job = await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    expect(job.entities.results).toEqual([
      { image_id: IMAGE_A, status: 'success' },
    ]);
  });

  it('no result items', async () => {
    await start({ resultItems: 'none' });
    const job = await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    expect(job.entities.results).toEqual([]);
  });

  it('re-adding member is no-op', async () => {
    await start({ existingMember: 'no-op' });
    await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    await shareAndWait(
      emulator,
      PARTNER,
      { images: [IMAGE_A], project_id: PARTNER_PROJECT, status: 'accepted' },
      'PUT',
    );
    const job = await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    expect(job.status).toBe('SUCCESS');
    expect(emulator.getMembers(IMAGE_A)[0]?.status).toBe('accepted');
  });

  it('re-adding member fails item', async () => {
    await start({ existingMember: 'failed-item' });
    await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    const job = await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    expect(job.status).toBe('FAIL');
    expect(job.error_code).toBe('IMG.0112');
  });

  it('enforces member limit', async () => {
    await start({ memberLimit: 1 });
    const job = await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT, THIRD_PROJECT],
    });
    expect(job.status).toBe('SUCCESS');
    expect(job.error_code).toBe('IMG.0088');
    expect(
      job.entities.results.map((item: { status: string }) => item.status),
    ).toEqual(['success', 'failed']);
  });

  it('enforces whole image limit', async () => {
    await start({ wholeImageMemberLimit: 1 });
    const job = await shareAndWait(emulator, OWNER, {
      images: [IMAGE_WHOLE_BACKUP],
      projects: [PARTNER_PROJECT, THIRD_PROJECT],
    });
    expect(job.error_code).toBe('IMG.0088');
  });

  it('defaults to Huawei limits', async () => {
    await start();
    expect(emulator.settings().memberLimit).toBe(128);
    expect(emulator.settings().wholeImageMemberLimit).toBe(10);
  });

  it('rejects invalid setting value', async () => {
    await start();
    expect(() =>
      emulator.updateSettings({ failedPairMode: 'x' as never }),
    ).toThrow(
      'settings.failedPairMode: expected one of fail-job, partial, got "x"',
    );
  });
});

describe('accept reject and remove', () => {
  it('member accepts image', async () => {
    await start();
    await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    const job = await shareAndWait(
      emulator,
      PARTNER,
      { images: [IMAGE_A], project_id: PARTNER_PROJECT, status: 'accepted' },
      'PUT',
    );
    expect(job.job_type).toBe('imsUpdateImageMembersJob');
    expect(job.status).toBe('SUCCESS');
    expect(emulator.getMembers(IMAGE_A)[0]?.status).toBe('accepted');
  });

  it('member rejects image', async () => {
    await start();
    await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    await shareAndWait(
      emulator,
      PARTNER,
      { images: [IMAGE_A], project_id: PARTNER_PROJECT, status: 'rejected' },
      'PUT',
    );
    expect(emulator.getMembers(IMAGE_A)[0]?.status).toBe('rejected');
  });

  it('non-member update fails item', async () => {
    await start();
    const job = await shareAndWait(
      emulator,
      THIRD,
      { images: [IMAGE_A], project_id: THIRD_PROJECT, status: 'accepted' },
      'PUT',
    );
    expect(job.status).toBe('FAIL');
    expect(job.error_code).toBe('IMG.0114');
  });

  it('update for other project rejected', async () => {
    await start();
    const response = await signedRequest(emulator.url, PARTNER, {
      method: 'PUT',
      path: '/v1/cloudimages/members',
      body: {
        images: [IMAGE_A],
        project_id: THIRD_PROJECT,
        status: 'accepted',
      },
    });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('IMG.0067');
  });

  it('update with bad status rejected', async () => {
    await start();
    const response = await signedRequest(emulator.url, PARTNER, {
      method: 'PUT',
      path: '/v1/cloudimages/members',
      body: {
        images: [IMAGE_A],
        project_id: PARTNER_PROJECT,
        status: 'ACCEPTED',
      },
    });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('IMG.0001');
  });

  it('whole image needs vault', async () => {
    await start();
    await shareAndWait(emulator, OWNER, {
      images: [IMAGE_WHOLE_BACKUP],
      projects: [PARTNER_PROJECT],
    });
    const missing = await shareAndWait(
      emulator,
      PARTNER,
      {
        images: [IMAGE_WHOLE_BACKUP],
        project_id: PARTNER_PROJECT,
        status: 'accepted',
      },
      'PUT',
    );
    const given = await shareAndWait(
      emulator,
      PARTNER,
      {
        images: [IMAGE_WHOLE_BACKUP],
        project_id: PARTNER_PROJECT,
        status: 'accepted',
        vault_id: 'vault-1',
      },
      'PUT',
    );
    expect(missing.status).toBe('FAIL');
    expect(missing.error_code).toBe('IMG.0001');
    expect(given.status).toBe('SUCCESS');
  });

  it('owner removes member', async () => {
    await start();
    await shareAndWait(emulator, OWNER, {
      images: [IMAGE_A],
      projects: [PARTNER_PROJECT],
    });
    const job = await shareAndWait(
      emulator,
      OWNER,
      { images: [IMAGE_A], projects: [PARTNER_PROJECT] },
      'DELETE',
    );
    expect(job.job_type).toBe('imsDelImageMembersJob');
    expect(job.status).toBe('SUCCESS');
    expect(job.entities.results).toEqual([]);
    expect(emulator.getMembers(IMAGE_A)).toEqual([]);
  });

  it('removing non-member is no-op', async () => {
    await start();
    const job = await shareAndWait(
      emulator,
      OWNER,
      { images: [IMAGE_A], projects: [THIRD_PROJECT] },
      'DELETE',
    );
    expect(job.status).toBe('SUCCESS');
  });

  it('removing from foreign image fails', async () => {
    await start();
    const job = await shareAndWait(
      emulator,
      OWNER,
      { images: [IMAGE_PARTNER], projects: [THIRD_PROJECT] },
      'DELETE',
    );
    expect(job.status).toBe('FAIL');
    expect(job.error_code).toBe('IMG.0106');
  });
});
