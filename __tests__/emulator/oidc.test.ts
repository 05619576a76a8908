/**
 * Federated sign-in routes of the emulator: CreateTokenWithIdToken,
 * temporary keys from a token, STS AssumeAgencyWithOIDC and the runner's
 * ID-token endpoint. ID tokens are minted with `jose`.
 */
import {
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  providerUrn,
  sdkDate,
  startEmulator,
  StateError,
  type Emulator,
  type StateFile,
} from '../../emulator/index.js';
import { matchesWildcard } from '../../emulator/claim-match.js';
import {
  send,
  signedRequest,
  tokenRequest,
  type TestCredentials,
  type TestResponse,
} from './client.js';
import {
  OWNER_ACCOUNT,
  OWNER_PROJECT,
  PARTNER_ACCOUNT,
  testState,
} from './fixtures.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const CLIENT_ID = 'huaweicloud';
const SUBJECT = 'repo:octo-org/octo-repo:ref:refs/heads/main';
const PROVIDER_URN = providerUrn(OWNER_ACCOUNT, 'github');
const AGENCY_URN = `iam::${OWNER_ACCOUNT}:agency:github-deploy`;
const UNTRUSTING_AGENCY_URN = `iam::${OWNER_ACCOUNT}:agency:other-deploy`;
const KID = 'test-key-1';

interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

let signing: KeyPair;
let stranger: KeyPair;
let emulator: Emulator | undefined;

async function newKeyPair(): Promise<KeyPair> {
  const pair = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk: { ...publicJwk, kid: KID } };
}

beforeAll(async () => {
  signing = await newKeyPair();
  stranger = await newKeyPair();
});

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** Test state plus a GitHub provider for the owner and two agencies. */
function federationState(): StateFile {
  return {
    ...testState(),
    identityProviders: [
      {
        id: 'github',
        accountId: OWNER_ACCOUNT,
        idpUrl: ISSUER,
        clientId: CLIENT_ID,
        signingKey: { keys: [signing.publicJwk as never] },
        mappingRules: [
          {
            conditions: { sub: 'repo:octo-org/*' },
            userName: 'github-deployer',
          },
        ],
      },
    ],
    agencies: [
      {
        urn: AGENCY_URN,
        maxDurationSeconds: 7200,
        trustedProviders: [PROVIDER_URN],
        conditions: {
          StringEquals: { 'oidc:aud': [CLIENT_ID] },
          StringMatch: { 'oidc:sub': ['repo:octo-org/octo-repo:*'] },
        },
      },
      { urn: UNTRUSTING_AGENCY_URN, trustedProviders: [] },
    ],
  };
}

async function start(state: StateFile = federationState()): Promise<Emulator> {
  emulator = await startEmulator({ port: 0, state });
  return emulator;
}

/** Mints an ID token valid for five minutes on the emulator clock. */
async function mint(
  server: Emulator,
  claims: JWTPayload = {},
  key: KeyPair = signing,
): Promise<string> {
  const now = Math.floor(server.now() / 1000);
  return new SignJWT({
    iss: ISSUER,
    aud: CLIENT_ID,
    sub: SUBJECT,
    iat: now,
    exp: now + 300,
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: KID })
    .sign(key.privateKey);
}

function postJson(
  server: Emulator,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  return send(
    server.url,
    'POST',
    path,
    { 'Content-Type': 'application/json', ...headers },
    JSON.stringify(body),
  );
}

function signInWithIdToken(
  server: Emulator,
  idToken: string,
  scope?: unknown,
  providerId = 'github',
): Promise<TestResponse> {
  return postJson(
    server,
    '/v3.0/OS-AUTH/id-token/tokens',
    { auth: { id_token: { id: idToken }, ...(scope ? { scope } : {}) } },
    { 'X-Idp-Id': providerId },
  );
}

function requestKeys(
  server: Emulator,
  token: string,
  durationSeconds?: unknown,
): Promise<TestResponse> {
  const tokenBody =
    durationSeconds === undefined ? {} : { duration_seconds: durationSeconds };
  return postJson(
    server,
    '/v3.0/OS-CREDENTIAL/securitytokens',
    { auth: { identity: { methods: ['token'], token: tokenBody } } },
    { 'X-Auth-Token': token },
  );
}

function assumeAgency(
  server: Emulator,
  idToken: string,
  extra: Record<string, unknown> = {},
): Promise<TestResponse> {
  return postJson(server, '/v5/agencies/assume-with-oidc', {
    provider_urn: PROVIDER_URN,
    agency_urn: AGENCY_URN,
    agency_session_name: 'gha-octo-org-octo-repo-1',
    id_token: idToken,
    ...extra,
  });
}

/** Signs in with a fresh ID token and returns the unscoped IAM token. */
async function unscopedToken(server: Emulator): Promise<string> {
  const response = await signInWithIdToken(server, await mint(server));
  return String(response.headers['x-subject-token']);
}

function listImages(
  server: Emulator,
  credentials: TestCredentials,
): Promise<TestResponse> {
  return signedRequest(server.url, credentials, {
    method: 'GET',
    path: '/v2/cloudimages',
    sdkDate: sdkDate(server.now()),
  });
}

describe('CreateTokenWithIdToken', () => {
  it('issues unscoped token for valid token', async () => {
    const server = await start();
    const response = await signInWithIdToken(server, await mint(server));
    expect(response.status).toBe(201);
    expect(response.headers['x-subject-token']).toMatch(/^MII/);
    expect(response.json.token.methods).toEqual(['mapped']);
    expect(response.json.token.user.name).toBe('github-deployer');
    expect(response.json.token.user.domain.id).toBe(OWNER_ACCOUNT);
    expect(response.json.token.project).toBeUndefined();
    expect(server.tokens().at(-1)?.scope).toBe('unscoped');
  });

  it('issues project token for project scope', async () => {
    const server = await start();
    const response = await signInWithIdToken(server, await mint(server), {
      project: { name: 'ap-southeast-1' },
    });
    expect(response.status).toBe(201);
    expect(response.json.token.project.id).toBe(OWNER_PROJECT);
    const images = await tokenRequest(
      server.url,
      String(response.headers['x-subject-token']),
      { method: 'GET', path: '/v2/cloudimages' },
    );
    expect(images.status).toBe(200);
  });

  it('issues domain token for domain scope', async () => {
    const server = await start();
    const response = await signInWithIdToken(server, await mint(server), {
      domain: { id: OWNER_ACCOUNT },
    });
    expect(response.status).toBe(201);
    expect(response.json.token.domain.id).toBe(OWNER_ACCOUNT);
    expect(server.tokens().at(-1)?.scope).toBe('domain');
  });

  it('rejects project of another account', async () => {
    const server = await start();
    const response = await signInWithIdToken(server, await mint(server), {
      project: { id: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb01' },
    });
    expect(response.status).toBe(401);
    expect(response.json.error.message).toContain('not found in account');
  });

  it('unscoped token cannot call IMS', async () => {
    const server = await start();
    const token = await unscopedToken(server);
    const response = await tokenRequest(server.url, token, {
      method: 'GET',
      path: '/v2/cloudimages',
      headers: { 'X-Project-Id': OWNER_PROJECT },
    });
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toContain('unscoped');
  });

  it('rejects expired token', async () => {
    const server = await start();
    const now = Math.floor(server.now() / 1000);
    const idToken = await mint(server, { iat: now - 600, exp: now - 120 });
    const response = await signInWithIdToken(server, idToken);
    expect(response.status).toBe(401);
    expect(response.json.error.message).toContain('has expired');
  });

  it('accepts expiry inside the leeway', async () => {
    const server = await start();
    const now = Math.floor(server.now() / 1000);
    const idToken = await mint(server, { exp: now - 30 });
    const response = await signInWithIdToken(server, idToken);
    expect(response.status).toBe(201);
  });

  it('rejects nbf in the future', async () => {
    const server = await start();
    const now = Math.floor(server.now() / 1000);
    const idToken = await mint(server, { nbf: now + 600, exp: now + 900 });
    const response = await signInWithIdToken(server, idToken);
    expect(response.status).toBe(401);
    expect(response.json.error.message).toContain('not valid yet');
  });

  it('accepts token once nbf is reached', async () => {
    const server = await start();
    const now = Math.floor(server.now() / 1000);
    const idToken = await mint(server, { nbf: now + 600, exp: now + 900 });
    server.advanceClock(601_000);
    const response = await signInWithIdToken(server, idToken);
    expect(response.status).toBe(201);
  });

  it('rejects token signed by another key', async () => {
    const server = await start();
    const idToken = await mint(server, {}, stranger);
    const response = await signInWithIdToken(server, idToken);
    expect(response.status).toBe(401);
    expect(response.json.error.message).toContain('signature');
  });

  it('rejects unknown key ID', async () => {
    const server = await start();
    const now = Math.floor(server.now() / 1000);
    const idToken = await new SignJWT({
      iss: ISSUER,
      aud: CLIENT_ID,
      sub: SUBJECT,
      exp: now + 300,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'rotated-key' })
      .sign(signing.privateKey);
    const response = await signInWithIdToken(server, idToken);
    expect(response.status).toBe(401);
    expect(response.json.error.message).toContain('"rotated-key"');
  });

  it('rejects HS256 token', async () => {
    const server = await start();
    const idToken = await new SignJWT({ iss: ISSUER, aud: CLIENT_ID })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a-shared-secret-of-32-characters'));
    const response = await signInWithIdToken(server, idToken);
    expect(response.status).toBe(401);
    expect(response.json.error.message).toContain('only RS256');
  });

  it('rejects malformed token', async () => {
    const server = await start();
    const response = await signInWithIdToken(server, 'not-a-jwt');
    expect(response.status).toBe(401);
    expect(response.json.error.message).toContain('three non-empty');
  });

  it('rejects wrong audience', async () => {
    const server = await start();
    const idToken = await mint(server, { aud: 'sts.amazonaws.com' });
    const response = await signInWithIdToken(server, idToken);
    expect(response.status).toBe(401);
    expect(response.json.error.message).toContain('audience (aud)');
  });

  it('accepts audience array with client ID', async () => {
    const server = await start();
    const idToken = await mint(server, { aud: ['other', CLIENT_ID] });
    const response = await signInWithIdToken(server, idToken);
    expect(response.status).toBe(201);
  });

  it('rejects wrong issuer', async () => {
    const server = await start();
    const idToken = await mint(server, { iss: 'https://issuer.example' });
    const response = await signInWithIdToken(server, idToken);
    expect(response.status).toBe(401);
    expect(response.json.error.message).toContain('issuer (iss)');
  });

  it('rejects unknown provider', async () => {
    const server = await start();
    const idToken = await mint(server);
    const response = await signInWithIdToken(
      server,
      idToken,
      undefined,
      'gitlab',
    );
    expect(response.status).toBe(401);
    expect(response.json.error.message).toBe(
      'Identity provider gitlab is not found.',
    );
  });

  it('rejects missing provider header', async () => {
    const server = await start();
    const response = await postJson(server, '/v3.0/OS-AUTH/id-token/tokens', {
      auth: { id_token: { id: await mint(server) } },
    });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toContain('X-Idp-Id');
  });

  it('rejects sub without mapping rule', async () => {
    const server = await start();
    const idToken = await mint(server, { sub: 'repo:evil-org/repo:ref:x' });
    const response = await signInWithIdToken(server, idToken);
    expect(response.status).toBe(401);
    expect(response.json.error.message).toContain('No mapping rule');
  });
});

describe('temporary keys from a token', () => {
  it('defaults duration to 900 seconds', async () => {
    const server = await start();
    const response = await requestKeys(server, await unscopedToken(server));
    expect(response.status).toBe(201);
    expect(response.json.credential.access).toMatch(/^[A-Z0-9]{20}$/);
    const issued = server.issuedCredentials().at(-1);
    expect(issued?.requestedDurationSeconds).toBeNull();
    expect(issued?.durationSeconds).toBe(900);
    expect(issued?.principal).toBe('github-deployer');
  });

  it('records requested duration', async () => {
    const server = await start();
    const token = await unscopedToken(server);
    const response = await requestKeys(server, token, 7320);
    expect(response.status).toBe(201);
    expect(server.issuedCredentials().at(-1)?.requestedDurationSeconds).toBe(
      7320,
    );
    const expires = Date.parse(response.json.credential.expires_at);
    expect(expires - server.now()).toBeGreaterThan(7310_000);
    expect(expires - server.now()).toBeLessThanOrEqual(7320_000);
  });

  it('enforces duration bounds', async () => {
    const server = await start();
    const token = await unscopedToken(server);
    const cases: [unknown, number][] = [
      [899, 400],
      [900, 201],
      [86_400, 201],
      [86_401, 400],
      [1000.5, 400],
      ['900', 400],
    ];
    for (const [duration, status] of cases) {
      const response = await requestKeys(server, token, duration);
      expect(response.status, `duration ${String(duration)}`).toBe(status);
    }
  });

  it('keys sign IMS until expiry', async () => {
    const server = await start();
    const response = await requestKeys(server, await unscopedToken(server));
    const credential = response.json.credential;
    const caller: TestCredentials = {
      ak: credential.access,
      sk: credential.secret,
      securityToken: credential.securitytoken,
      projectId: OWNER_PROJECT,
    };
    expect((await listImages(server, caller)).status).toBe(200);
    server.advanceClock(901_000);
    const expired = await listImages(server, caller);
    expect(expired.status).toBe(401);
    expect(expired.json.error_msg).toContain('ak expired');
  });

  it('keys need the security token', async () => {
    const server = await start();
    const response = await requestKeys(server, await unscopedToken(server));
    const credential = response.json.credential;
    const caller: TestCredentials = {
      ak: credential.access,
      sk: credential.secret,
      projectId: OWNER_PROJECT,
    };
    const rejected = await listImages(server, caller);
    expect(rejected.status).toBe(401);
    expect(rejected.json.error_msg).toContain('security token is missing');
  });

  it('rejects missing auth token', async () => {
    const server = await start();
    const response = await postJson(
      server,
      '/v3.0/OS-CREDENTIAL/securitytokens',
      { auth: { identity: { methods: ['token'], token: {} } } },
    );
    expect(response.status).toBe(401);
    expect(response.json.error.message).toContain('X-Auth-Token');
  });

  it('rejects expired auth token', async () => {
    const server = await start();
    const token = await unscopedToken(server);
    server.advanceClock(server.settings().tokenTtlMs + 1000);
    const response = await requestKeys(server, token);
    expect(response.status).toBe(401);
    expect(response.json.error.message).toContain('has expired');
  });

  it('rejects methods without token', async () => {
    const server = await start();
    const response = await postJson(
      server,
      '/v3.0/OS-CREDENTIAL/securitytokens',
      { auth: { identity: { methods: ['password'] } } },
      { 'X-Auth-Token': await unscopedToken(server) },
    );
    expect(response.status).toBe(400);
  });
});

describe('AssumeAgencyWithOIDC', () => {
  it('returns keys for trusted token', async () => {
    const server = await start();
    const response = await assumeAgency(server, await mint(server));
    expect(response.status).toBe(200);
    expect(response.json.credentials.access_key_id).toMatch(/^[A-Z0-9]{20}$/);
    expect(response.json.subject_from_id_token).toBe(SUBJECT);
    expect(response.json.audience).toBe(CLIENT_ID);
    expect(response.json.provider).toBe(PROVIDER_URN);
    const issued = server.issuedCredentials().at(-1);
    expect(issued?.issuer).toBe('sts');
    expect(issued?.durationSeconds).toBe(3600);
    expect(issued?.accountId).toBe(OWNER_ACCOUNT);
  });

  it('rejects sub outside trust policy', async () => {
    const server = await start();
    const idToken = await mint(server, { sub: 'repo:octo-org/other:ref:x' });
    const response = await assumeAgency(server, idToken);
    expect(response.status).toBe(403);
    expect(response.json.error_code).toBe('STS.AccessDenied');
    expect(response.json.error_msg).toContain('StringMatch oidc:sub');
  });

  it('rejects agency not trusting provider', async () => {
    const server = await start();
    const response = await assumeAgency(server, await mint(server), {
      agency_urn: UNTRUSTING_AGENCY_URN,
    });
    expect(response.status).toBe(403);
    expect(response.json.error_msg).toContain('does not name');
  });

  it('rejects unknown agency', async () => {
    const server = await start();
    const response = await assumeAgency(server, await mint(server), {
      agency_urn: `iam::${OWNER_ACCOUNT}:agency:missing`,
    });
    expect(response.status).toBe(403);
    expect(response.json.error_msg).toContain('is not found');
  });

  it('rejects unknown provider URN', async () => {
    const server = await start();
    const response = await assumeAgency(server, await mint(server), {
      provider_urn: providerUrn(OWNER_ACCOUNT, 'gitlab'),
    });
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe('STS.InvalidIdentityProvider');
  });

  it('rejects expired token', async () => {
    const server = await start();
    const now = Math.floor(server.now() / 1000);
    const idToken = await mint(server, { exp: now - 120 });
    const response = await assumeAgency(server, idToken);
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe('STS.ExpiredIdToken');
  });

  it('rejects token signed by another key', async () => {
    const server = await start();
    const response = await assumeAgency(
      server,
      await mint(server, {}, stranger),
    );
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe('STS.InvalidIdToken');
  });

  it('rejects wrong audience', async () => {
    const server = await start();
    const idToken = await mint(server, { aud: 'sts.amazonaws.com' });
    const response = await assumeAgency(server, idToken);
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toContain('audience (aud)');
  });

  it('enforces duration bounds', async () => {
    const server = await start();
    const idToken = await mint(server);
    const cases: [unknown, number][] = [
      [899, 400],
      [900, 200],
      [7200, 200],
      [7201, 400],
      [1.5, 400],
    ];
    for (const [duration, status] of cases) {
      const response = await assumeAgency(server, idToken, {
        duration_seconds: duration,
      });
      expect(response.status, `duration ${String(duration)}`).toBe(status);
    }
  });

  it('rejects invalid session name', async () => {
    const server = await start();
    const response = await assumeAgency(server, await mint(server), {
      agency_session_name: 'has space',
    });
    expect(response.status).toBe(400);
    expect(response.json.error_code).toBe('STS.InvalidParameter');
  });

  it('keys sign IMS until expiry', async () => {
    const server = await start();
    const response = await assumeAgency(server, await mint(server), {
      duration_seconds: 900,
    });
    const credentials = response.json.credentials;
    const caller: TestCredentials = {
      ak: credentials.access_key_id,
      sk: credentials.secret_access_key,
      securityToken: credentials.security_token,
      projectId: OWNER_PROJECT,
    };
    expect((await listImages(server, caller)).status).toBe(200);
    server.advanceClock(901_000);
    expect((await listImages(server, caller)).status).toBe(401);
  });
});

describe('runner ID-token endpoint', () => {
  function requestIdToken(
    server: Emulator,
    bearer: string,
    audience?: string,
  ): Promise<TestResponse> {
    const url = new URL(server.idTokenRequestUrl);
    const query = audience === undefined ? '' : `&audience=${audience}`;
    return send(server.url, 'GET', `${url.pathname}${url.search}${query}`, {
      Authorization: `Bearer ${bearer}`,
    });
  }

  it('passes audience to the source', async () => {
    const server = await start();
    const audiences: string[] = [];
    server.setIdTokenSource((audience) => {
      audiences.push(audience);
      return Promise.resolve('header.payload.signature');
    });
    const response = await requestIdToken(
      server,
      server.idTokenRequestToken,
      'huaweicloud',
    );
    expect(response.status).toBe(200);
    expect(response.json.value).toBe('header.payload.signature');
    expect(audiences).toEqual(['huaweicloud']);
  });

  it('uses default audience without one', async () => {
    const server = await start();
    const audiences: string[] = [];
    server.setIdTokenSource((audience) => {
      audiences.push(audience);
      return Promise.resolve('a.b.c');
    });
    await requestIdToken(server, server.idTokenRequestToken);
    expect(audiences).toEqual(['https://github.com/octo-org']);
  });

  it('rejects wrong request token', async () => {
    const server = await start();
    server.setIdTokenSource(() => Promise.resolve('a.b.c'));
    const response = await requestIdToken(server, 'wrong', 'huaweicloud');
    expect(response.status).toBe(401);
    expect(response.json.value).toBeUndefined();
  });

  it('fails without source or key', async () => {
    const server = await start();
    const response = await requestIdToken(
      server,
      server.idTokenRequestToken,
      'huaweicloud',
    );
    expect(response.status).toBe(500);
    expect(response.json.message).toContain('setIdTokenSource');
  });

  it('built-in source signs with state key', async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const privateJwk = await exportJWK(pair.privateKey);
    const server = await start({
      ...federationState(),
      runnerIdToken: {
        requestToken: 'runner-secret',
        privateKey: { ...privateJwk, kid: 'runner-1' } as never,
      },
    });
    const response = await requestIdToken(server, 'runner-secret', 'aud-1');
    expect(response.status).toBe(200);
    const { payload, protectedHeader } = await jwtVerify(
      response.json.value,
      pair.publicKey,
      {
        audience: 'aud-1',
        issuer: ISSUER,
        currentDate: new Date(server.now()),
      },
    );
    expect(protectedHeader.kid).toBe('runner-1');
    expect(payload.sub).toBe(SUBJECT);
    expect(payload.repository).toBe('octo-org/octo-repo');
  });

  it('demo state signs in end to end', async () => {
    emulator = await startEmulator({ port: 0 });
    const demo = emulator;
    const idToken = await requestIdToken(
      demo,
      demo.idTokenRequestToken,
      'huaweicloud',
    );
    const response = await signInWithIdToken(demo, idToken.json.value);
    expect(response.status).toBe(201);
    expect(response.json.token.user.name).toBe('github-deployer');
  });
});

describe('federation state', () => {
  function withProvider(
    change: Record<string, unknown>,
  ): Record<string, unknown> {
    const state = federationState();
    const provider = { ...state.identityProviders![0], ...change };
    return { ...state, identityProviders: [provider] };
  }

  it('rejects provider of unknown account', async () => {
    await expect(
      startEmulator({
        port: 0,
        state: withProvider({ accountId: 'f'.repeat(32) }) as never,
      }),
    ).rejects.toThrow(
      `identityProviders[0].accountId: account ${'f'.repeat(32)} is not in accounts`,
    );
  });

  it('rejects unusable signing key', async () => {
    await expect(
      startEmulator({
        port: 0,
        state: withProvider({
          signingKey: { keys: [{ kty: 'RSA', n: 'x' }] },
        }) as never,
      }),
    ).rejects.toThrow(
      /identityProviders\[0\]\.signingKey\.keys\[0\]: not a usable/,
    );
  });

  it('rejects empty mapping rules', async () => {
    await expect(
      startEmulator({
        port: 0,
        state: withProvider({ mappingRules: [] }) as never,
      }),
    ).rejects.toThrow(StateError);
  });

  it('rejects untrusted provider reference', async () => {
    const state = federationState();
    state.agencies = [
      {
        urn: AGENCY_URN,
        trustedProviders: [providerUrn(PARTNER_ACCOUNT, 'x')],
      },
    ];
    await expect(startEmulator({ port: 0, state })).rejects.toThrow(
      'agencies[0].trustedProviders[0]',
    );
  });

  it('rejects unknown condition key', async () => {
    const state = federationState();
    state.agencies = [
      {
        urn: AGENCY_URN,
        trustedProviders: [PROVIDER_URN],
        conditions: { StringEquals: { 'oidc:email': ['x'] } } as never,
      },
    ];
    await expect(startEmulator({ port: 0, state })).rejects.toThrow(
      'agencies[0].conditions.StringEquals.oidc:email: unknown field',
    );
  });

  it('accepts signing key as JSON text', async () => {
    const server = await start(
      withProvider({
        signingKey: JSON.stringify({ keys: [signing.publicJwk] }),
      }) as never,
    );
    const response = await signInWithIdToken(server, await mint(server));
    expect(response.status).toBe(201);
  });
});

describe('wildcard matching', () => {
  it('matches star patterns', () => {
    expect(matchesWildcard('repo:a/b:ref:main', 'repo:a/*')).toBe(true);
    expect(matchesWildcard('repo:a/b', 'repo:a/b')).toBe(true);
    expect(matchesWildcard('repo:ab', 'repo:a/*')).toBe(false);
    expect(matchesWildcard('xrepo:a/b', 'repo:*')).toBe(false);
    expect(matchesWildcard('repo:a.b', 'repo:a?b')).toBe(false);
    expect(matchesWildcard('repo:a+b', 'repo:a+b')).toBe(true);
  });
});
