import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sdkDate, type Emulator } from '../../emulator/index.js';
import { send, signedRequest, tokenRequest } from './client.js';
import {
  IMAGE_A,
  OWNER,
  OWNER_ACCOUNT,
  OWNER_DEV_PROJECT,
  OWNER_PROJECT,
  OWNER_TEMP,
  PARTNER,
  PARTNER_PROJECT,
  startTestEmulator,
} from './fixtures.js';

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startTestEmulator();
});

afterEach(async () => {
  await emulator.close();
});

const listImages = { method: 'GET', path: '/v2/cloudimages' };

/** Requests a token for the owner user. */
function createToken(
  password: string,
  scope: Record<string, string> = { name: 'ap-southeast-1' },
) {
  return send(
    emulator.url,
    'POST',
    '/v3/auth/tokens',
    { 'Content-Type': 'application/json' },
    JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: {
            user: {
              name: 'owner-user',
              password,
              domain: { name: 'owner-account' },
            },
          },
        },
        scope: { project: scope },
      },
    }),
  );
}

describe('AK/SK authentication', () => {
  it('rejects skewed sdk date', async () => {
    const response = await signedRequest(emulator.url, OWNER, {
      ...listImages,
      sdkDate: sdkDate(emulator.now() - 16 * 60 * 1000),
    });
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe('APIGW.0301');
    expect(response.json.error_msg).toContain('x-sdk-date');
  });

  it('accepts date within 15 minutes', async () => {
    const response = await signedRequest(emulator.url, OWNER, {
      ...listImages,
      sdkDate: sdkDate(emulator.now() - 14 * 60 * 1000),
    });
    expect(response.status).toBe(200);
  });

  it('follows offset emulator clock', async () => {
    emulator.advanceClock(60 * 60 * 1000);
    const stale = await signedRequest(emulator.url, OWNER, {
      ...listImages,
      sdkDate: sdkDate(Date.now()),
    });
    const shifted = await signedRequest(emulator.url, OWNER, {
      ...listImages,
      sdkDate: sdkDate(emulator.now()),
    });
    expect(stale.status).toBe(401);
    expect(shifted.status).toBe(200);
  });

  it('rejects unknown access key', async () => {
    const response = await signedRequest(
      emulator.url,
      { ...OWNER, ak: 'UNKNOWNKEY' },
      listImages,
    );
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toBe(
      'Incorrect IAM authentication information: Get secretKey failed,ak:UNKNOWNKEY,err:ak not exist',
    );
  });

  it('rejects wrong secret key', async () => {
    const response = await signedRequest(
      emulator.url,
      { ...OWNER, sk: 'wrong' },
      listImages,
    );
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toContain('verify aksk signature fail');
  });

  it('rejects missing credentials', async () => {
    const response = await send(emulator.url, 'GET', '/v2/cloudimages', {});
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe('APIGW.0301');
    expect(response.json.request_id).toBe(response.headers['x-request-id']);
  });

  it('accepts temporary key with token', async () => {
    const response = await signedRequest(emulator.url, OWNER_TEMP, listImages);
    expect(response.status).toBe(200);
  });

  it('rejects temporary key without token', async () => {
    const { securityToken: _unused, ...withoutToken } = OWNER_TEMP;
    const response = await signedRequest(
      emulator.url,
      withoutToken,
      listImages,
    );
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toContain('security token is missing');
  });

  it('rejects temporary key wrong token', async () => {
    const response = await signedRequest(
      emulator.url,
      { ...OWNER_TEMP, securityToken: 'other' },
      listImages,
    );
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toContain('security token is invalid');
  });

  it('rejects expired temporary key', async () => {
    emulator.setClock(Date.parse('2099-01-01T00:00:01Z'));
    const response = await signedRequest(emulator.url, OWNER_TEMP, {
      ...listImages,
      sdkDate: sdkDate(emulator.now()),
    });
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toContain('ak expired');
  });

  it('rejects foreign X-Project-Id', async () => {
    const response = await signedRequest(
      emulator.url,
      { ...OWNER, projectId: PARTNER_PROJECT },
      listImages,
    );
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe('APIGW.0301');
  });

  it('requires project for IMS routes', async () => {
    const { projectId: _unused, ...withoutProject } = OWNER;
    const response = await signedRequest(
      emulator.url,
      withoutProject,
      listImages,
    );
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('IMG.0030');
  });

  it('rejects path project mismatch', async () => {
    const response = await signedRequest(emulator.url, OWNER, {
      method: 'GET',
      path: `/v1/${OWNER_DEV_PROJECT}/cloudimages/${IMAGE_A}/members`,
    });
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toContain('differs');
  });

  it('rejects foreign path project', async () => {
    const { projectId: _unused, ...withoutProject } = OWNER;
    const response = await signedRequest(emulator.url, withoutProject, {
      method: 'GET',
      path: `/v1/${PARTNER_PROJECT}/cloudimages/${IMAGE_A}/members`,
    });
    expect(response.status).toBe(401);
  });
});

describe('gateway responses', () => {
  it('returns APIGW.0101 for unknown route', async () => {
    const response = await signedRequest(emulator.url, OWNER, {
      method: 'GET',
      path: '/v9/nothing',
    });
    expect(response.status).toBe(404);
    expect(response.json.error_code).toBe('APIGW.0101');
  });

  it('returns APIGW.0101 for wrong method', async () => {
    const response = await signedRequest(emulator.url, OWNER, {
      method: 'PATCH',
      path: '/v1/cloudimages/members',
    });
    expect(response.status).toBe(404);
    expect(response.json.error_code).toBe('APIGW.0101');
  });

  it('sends request id on every response', async () => {
    const responses = await Promise.all([
      signedRequest(emulator.url, OWNER, listImages),
      send(emulator.url, 'GET', '/v2/cloudimages', {}),
      send(emulator.url, 'GET', '/unknown', {}),
    ]);
    for (const response of responses) {
      expect(response.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('logs requests with auth kind', async () => {
    await signedRequest(emulator.url, OWNER, listImages);
    const entry = emulator.requests.at(-1);
    expect(entry?.route).toBe('listImages');
    expect(entry?.authKind).toBe('aksk');
    expect(entry?.status).toBe(200);
  });
});

describe('IAM tokens and projects', () => {
  it('issues project-scoped token', async () => {
    const response = await createToken('owner-password');
    expect(response.status).toBe(201);
    expect(response.headers['x-subject-token']).toMatch(/^MII/);
    expect(response.json.token.project.id).toBe(OWNER_PROJECT);
    expect(response.json.token.project.domain.id).toBe(OWNER_ACCOUNT);
    expect(
      Date.parse(response.json.token.expires_at) -
        Date.parse(response.json.token.issued_at),
    ).toBe(24 * 60 * 60 * 1000);
  });

  it('scopes token by project ID', async () => {
    const response = await createToken('owner-password', {
      id: OWNER_DEV_PROJECT,
    });
    expect(response.json.token.project.name).toBe('ap-southeast-1_dev');
  });

  it('rejects wrong password', async () => {
    const response = await createToken('nope');
    expect(response.status).toBe(401);
    expect(response.json).toEqual({
      error: {
        code: 401,
        message: 'The username or password is wrong.',
        title: 'Unauthorized',
      },
    });
  });

  it('authenticates IMS call with token', async () => {
    const token = (await createToken('owner-password')).headers[
      'x-subject-token'
    ] as string;
    const response = await tokenRequest(emulator.url, token, listImages);
    expect(response.status).toBe(200);
    expect(emulator.requests.at(-1)?.authKind).toBe('token');
  });

  it('rejects unknown token', async () => {
    const response = await tokenRequest(emulator.url, 'MIIunknown', listImages);
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toBe(
      'Incorrect IAM authentication information: decrypt token fail',
    );
  });

  it('rejects expired token', async () => {
    const token = (await createToken('owner-password')).headers[
      'x-subject-token'
    ] as string;
    emulator.advanceClock(24 * 60 * 60 * 1000 + 1000);
    const response = await tokenRequest(emulator.url, token, listImages);
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toContain('token expires, expires_at:');
  });

  it('honours token lifetime setting', async () => {
    emulator.updateSettings({ tokenTtlMs: 1000 });
    const token = (await createToken('owner-password')).headers[
      'x-subject-token'
    ] as string;
    emulator.advanceClock(2000);
    const response = await tokenRequest(emulator.url, token, listImages);
    expect(response.status).toBe(401);
  });

  it('lists projects by region name', async () => {
    const response = await signedRequest(
      emulator.url,
      { ak: OWNER.ak, sk: OWNER.sk },
      {
        method: 'GET',
        path: '/v3/projects',
        query: { name: 'ap-southeast-1' },
      },
    );
    expect(response.status).toBe(200);
    expect(response.json.projects).toHaveLength(1);
    expect(response.json.projects[0].id).toBe(OWNER_PROJECT);
    expect(response.json.projects[0].domain_id).toBe(OWNER_ACCOUNT);
    expect(response.json.projects[0].is_domain).toBe(false);
    expect(response.json.links.self).toContain('/v3/projects');
  });

  it('lists all account projects', async () => {
    const response = await signedRequest(
      emulator.url,
      { ak: OWNER.ak, sk: OWNER.sk },
      { method: 'GET', path: '/v3/projects' },
    );
    const ids = response.json.projects.map(
      (project: { id: string }) => project.id,
    );
    expect(ids).toEqual([OWNER_PROJECT, OWNER_DEV_PROJECT]);
  });

  it('lists projects with token', async () => {
    const token = (await createToken('owner-password')).headers[
      'x-subject-token'
    ] as string;
    const response = await tokenRequest(emulator.url, token, {
      method: 'GET',
      path: '/v3/projects',
      query: { name: 'ap-southeast-1_dev' },
    });
    expect(response.json.projects[0].id).toBe(OWNER_DEV_PROJECT);
  });

  it('hides other account projects', async () => {
    const response = await signedRequest(
      emulator.url,
      { ak: PARTNER.ak, sk: PARTNER.sk },
      {
        method: 'GET',
        path: '/v3/projects',
        query: { domain_id: OWNER_ACCOUNT },
      },
    );
    expect(response.json.projects).toEqual([]);
  });
});
