/**
 * End-to-end: every sign-in method of the bundled action against the
 * emulator, plus the region variables and the endpoints of each cloud.
 * ID tokens are minted with `jose` and handed out by the emulator's
 * runner ID-token endpoint, as `@actions/core` `getIDToken` requests them.
 */

import {
  exportJWK,
  generateKeyPair,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  loadDemoState,
  providerUrn,
  startEmulator,
  type Emulator,
  type StateFile,
} from '../../emulator/index.js';
import { CLOUDS, parseEndpoint } from '../../src/cloud/endpoints.js';
import type { Logger } from '../../src/logger.js';
import {
  IMAGES,
  OWNER_KEY,
  OWNER_PROJECT,
  REGION,
  TARGETS,
  baseInputs,
} from './fixtures.js';
import {
  annotations,
  parseResults as results,
  runAction,
  type ActionRun,
} from './run-action.js';

const demo = loadDemoState();
const OWNER_ACCOUNT = accountId('demo-account');
const PARTNER_ACCOUNT = accountId('partner-account');
const ISSUER = 'https://token.actions.githubusercontent.com';
const CLIENT_ID = 'huaweicloud';
const SUBJECT = 'repo:octo-org/octo-repo:ref:refs/heads/main';
const PROVIDER_ID = 'github-actions';
const PROVIDER_URN = providerUrn(OWNER_ACCOUNT, PROVIDER_ID);
const AGENCY_URN = `iam::${OWNER_ACCOUNT}:agency:image-sharing`;
const KID = 'e2e-key-1';

function accountId(name: string): string {
  const account = demo.accounts.find((candidate) => candidate.name === name);
  if (!account) throw new Error(`The demo state has no account ${name}.`);
  return account.id;
}

interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

let signing: KeyPair;
let stranger: KeyPair;
let emulator: Emulator;

async function newKeyPair(): Promise<KeyPair> {
  const pair = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk: { ...publicJwk, kid: KID } };
}

/** Builds the demo state plus an identity provider and an agency for `signing`. */
function federatedState(): StateFile {
  return {
    ...demo,
    identityProviders: [
      {
        id: PROVIDER_ID,
        accountId: OWNER_ACCOUNT,
        idpUrl: ISSUER,
        clientId: CLIENT_ID,
        signingKey: { keys: [signing.publicJwk as never] },
        mappingRules: [
          { conditions: { sub: 'repo:octo-org/*' }, userName: 'deployer' },
        ],
      },
    ],
    agencies: [
      {
        urn: AGENCY_URN,
        maxDurationSeconds: 43_200,
        trustedProviders: [PROVIDER_URN],
        conditions: {
          StringEquals: { 'oidc:aud': [CLIENT_ID] },
          StringMatch: { 'oidc:sub': ['repo:octo-org/octo-repo:*'] },
        },
      },
    ],
  };
}

beforeAll(async () => {
  signing = await newKeyPair();
  stranger = await newKeyPair();
});

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, state: federatedState() });
  emulator.updateSettings({ jobDurationMs: 100 });
});

afterEach(async () => {
  await emulator.close();
});

/** Audiences requested from the runner endpoint and the tokens it returned. */
interface IssuedIdTokens {
  audiences: string[];
  tokens: string[];
}

/**
 * Makes the emulator issue ID tokens for the requested audience, valid five
 * minutes, with `claims` overriding the defaults.
 */
function issueIdTokens(
  claims: JWTPayload = {},
  key: KeyPair = signing,
): IssuedIdTokens {
  const issued: IssuedIdTokens = { audiences: [], tokens: [] };
  emulator.setIdTokenSource(async (audience) => {
    issued.audiences.push(audience);
    const now = Math.floor(emulator.now() / 1000);
    const token = await new SignJWT({
      iss: ISSUER,
      aud: audience,
      sub: SUBJECT,
      iat: now,
      nbf: now,
      exp: now + 300,
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: KID })
      .sign(key.privateKey);
    issued.tokens.push(token);
    return token;
  });
  return issued;
}

/** Environment of a job with `permissions: id-token: write`. */
function idTokenEnv(): Record<string, string> {
  return {
    ACTIONS_ID_TOKEN_REQUEST_URL: emulator.idTokenRequestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: emulator.idTokenRequestToken,
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_RUN_ID: '4242',
  };
}

/** Inputs that share the web image with the partner, with no credentials. */
function keylessInputs(): Record<string, string> {
  return {
    region: REGION,
    'ims-endpoint': emulator.url,
    'iam-endpoint': emulator.url,
    'image-ids': IMAGES.web,
    'project-ids': TARGETS.partner,
    timeout: '60s',
  };
}

function lastError(run: ActionRun): string {
  return annotations(run.stdout, 'error').at(-1) ?? '';
}

function expectShared(run: ActionRun): void {
  expect(run.exitCode, run.stdout).toBe(0);
  expect(run.outputs.status).toBe('success');
  expect(run.outputs['shared-count']).toBe('1');
  expect(emulator.getMembers(IMAGES.web).map((m) => m.memberId)).toEqual([
    TARGETS.partner,
  ]);
}

/** Collects the secrets of the run: ID tokens, IAM tokens and every issued key. */
function secretsOfRun(idTokens: readonly string[]): string[] {
  return [
    ...idTokens,
    ...emulator.tokens().map((token) => token.token),
    ...emulator
      .issuedCredentials()
      .flatMap((key) => [key.accessKey, key.secretKey, key.securityToken]),
  ];
}

/** Returns stdout without the `::add-mask::` lines that register secrets. */
function unmaskedOutput(run: ActionRun): string {
  return run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

describe('keyless sign-in, IAM route', () => {
  it('shares with identity provider ID', async () => {
    const issued = issueIdTokens();
    const run = await runAction({
      inputs: { ...keylessInputs(), 'identity-provider': PROVIDER_ID },
      env: idTokenEnv(),
      debug: true,
    });
    expectShared(run);
    expect(issued.audiences).toEqual([CLIENT_ID]);
    const keys = emulator.issuedCredentials();
    expect(keys).toHaveLength(1);
    expect(keys[0]?.issuer).toBe('iam');
    expect(keys[0]?.requestedDurationSeconds).toBe(900);
    const secrets = secretsOfRun(issued.tokens);
    expect(secrets).toHaveLength(5);
    const output = unmaskedOutput(run) + run.stderr;
    for (const secret of secrets) {
      expect(output.includes(secret), 'a secret is printed').toBe(false);
      expect(run.stdout).toContain(`::add-mask::${secret}`);
    }
  });

  it('requests keys covering a 2h timeout', async () => {
    issueIdTokens();
    const run = await runAction({
      inputs: {
        ...keylessInputs(),
        'identity-provider': PROVIDER_ID,
        timeout: '2h',
      },
      env: idTokenEnv(),
    });
    expectShared(run);
    expect(emulator.issuedCredentials()[0]?.requestedDurationSeconds).toBe(
      7320,
    );
  });

  it('rejects expired ID token', async () => {
    const now = Math.floor(Date.now() / 1000);
    issueIdTokens({ iat: now - 900, nbf: now - 900, exp: now - 600 });
    const run = await runAction({
      inputs: { ...keylessInputs(), 'identity-provider': PROVIDER_ID },
      env: idTokenEnv(),
    });
    expect(run.exitCode).toBe(1);
    expect(lastError(run)).toContain('has expired');
    expect(emulator.issuedCredentials()).toHaveLength(0);
  });

  it('rejects wrongly signed ID token', async () => {
    issueIdTokens({}, stranger);
    const run = await runAction({
      inputs: { ...keylessInputs(), 'identity-provider': PROVIDER_ID },
      env: idTokenEnv(),
    });
    expect(run.exitCode).toBe(1);
    expect(lastError(run)).toContain('signature');
    expect(emulator.issuedCredentials()).toHaveLength(0);
  });

  it('rejects audience other than client_id', async () => {
    const issued = issueIdTokens();
    const run = await runAction({
      inputs: {
        ...keylessInputs(),
        'identity-provider': PROVIDER_ID,
        audience: 'sts.example',
      },
      env: idTokenEnv(),
    });
    expect(issued.audiences).toEqual(['sts.example']);
    expect(run.exitCode).toBe(1);
    expect(lastError(run)).toContain('audience (aud)');
    expect(lastError(run)).toContain(CLIENT_ID);
  });

  it('explains missing id-token permission', async () => {
    issueIdTokens();
    const run = await runAction({
      inputs: { ...keylessInputs(), 'identity-provider': PROVIDER_ID },
    });
    expect(run.exitCode).toBe(1);
    expect(lastError(run)).toContain('ACTIONS_ID_TOKEN_REQUEST_URL');
    expect(lastError(run)).toContain('id-token: write');
    expect(emulator.requests).toHaveLength(0);
  });

  it('retries a failed ID-token request', async () => {
    const issued = issueIdTokens();
    emulator.addFault({
      route: 'getIdToken',
      times: 1,
      action: { kind: 'server-error', status: 500 },
    });
    emulator.addFault({
      route: 'getIdToken',
      times: 1,
      action: { kind: 'drop', stage: 'before-acting' },
    });
    const run = await runAction({
      inputs: {
        ...keylessInputs(),
        'identity-provider': PROVIDER_ID,
        'retry-max-attempts': '3',
      },
      env: idTokenEnv(),
    });
    expectShared(run);
    expect(issued.tokens).toHaveLength(1);
    const tokenRequests = emulator.requests.filter(
      (r) => r.route === 'getIdToken',
    );
    expect(tokenRequests).toHaveLength(3);
  });

  it('applies request-timeout to the ID-token request', async () => {
    issueIdTokens();
    emulator.addFault({
      route: 'getIdToken',
      times: 'always',
      action: { kind: 'delay', ms: 10_000 },
    });
    const run = await runAction({
      inputs: {
        ...keylessInputs(),
        'identity-provider': PROVIDER_ID,
        'request-timeout': '1s',
        'retry-max-attempts': '2',
      },
      env: idTokenEnv(),
    });
    expect(run.exitCode).toBe(1);
    expect(run.durationMs).toBeLessThan(8000);
    expect(lastError(run)).toContain('request a GitHub ID token');
    expect(emulator.getMembers(IMAGES.web)).toHaveLength(0);
  });

  it('cancels a pending ID-token request', async () => {
    issueIdTokens();
    emulator.addFault({
      route: 'getIdToken',
      times: 'always',
      action: { kind: 'delay', ms: 10_000 },
    });
    let signalledAt = 0;
    const run = await runAction({
      inputs: { ...keylessInputs(), 'identity-provider': PROVIDER_ID },
      env: idTokenEnv(),
      onSpawn: (child) => {
        setTimeout(() => {
          signalledAt = Date.now();
          child.kill('SIGTERM');
        }, 1000);
      },
      killAfterMs: 20_000,
    });
    expect(Date.now() - signalledAt).toBeLessThan(4000);
    expect(run.signal).toBeNull();
    expect(run.outputs.status).toBe('cancelled');
    expect(results(run.outputs)[0]?.status).toBe('skipped');
  });

  it('rejects two sign-in methods', async () => {
    issueIdTokens();
    const run = await runAction({
      inputs: {
        ...keylessInputs(),
        'identity-provider': PROVIDER_ID,
        'access-key': OWNER_KEY.ak,
        'secret-key': OWNER_KEY.sk,
      },
      env: idTokenEnv(),
    });
    expect(run.exitCode).toBe(1);
    expect(lastError(run)).toContain('access-key');
    expect(lastError(run)).toContain('identity-provider');
    expect(emulator.requests).toHaveLength(0);
  });
});

describe('keyless sign-in, STS route', () => {
  it('shares through an agency', async () => {
    const issued = issueIdTokens();
    const run = await runAction({
      inputs: {
        ...keylessInputs(),
        'identity-provider': PROVIDER_URN,
        agency: AGENCY_URN,
        'sts-endpoint': emulator.url,
      },
      env: idTokenEnv(),
    });
    expectShared(run);
    expect(issued.audiences).toEqual([CLIENT_ID]);
    const keys = emulator.issuedCredentials();
    expect(keys).toHaveLength(1);
    expect(keys[0]?.issuer).toBe('sts');
    expect(keys[0]?.requestedDurationSeconds).toBe(900);
    expect(keys[0]?.principal).toBe(
      `${AGENCY_URN}/gha-octo-org-octo-repo-4242`,
    );
  });

  it('fails when trust policy rejects sub', async () => {
    issueIdTokens({ sub: 'repo:octo-org/fork:ref:refs/heads/main' });
    const run = await runAction({
      inputs: {
        ...keylessInputs(),
        'identity-provider': PROVIDER_URN,
        agency: AGENCY_URN,
        'sts-endpoint': emulator.url,
      },
      env: idTokenEnv(),
    });
    expect(run.exitCode).toBe(1);
    expect(lastError(run)).toContain('oidc:sub');
  });

  it('needs sts-endpoint on OTC', async () => {
    issueIdTokens();
    const run = await runAction({
      inputs: {
        ...keylessInputs(),
        cloud: 'otc',
        region: 'eu-de',
        'identity-provider': PROVIDER_URN,
        agency: AGENCY_URN,
      },
      env: idTokenEnv(),
    });
    expect(run.exitCode).toBe(1);
    expect(lastError(run)).toContain('sts-endpoint');
    const routes = emulator.requests.map((entry) => entry.route);
    expect(routes).not.toContain('assumeAgencyWithOidc');
  });

  it('fits duration to the agency maximum', async () => {
    // The agency allows 3600 s, and a 2h timeout requests 7320 s.
    const state = federatedState();
    state.agencies = [{ ...state.agencies![0]!, maxDurationSeconds: 3600 }];
    await emulator.close();
    emulator = await startEmulator({ port: 0, state });
    emulator.updateSettings({ jobDurationMs: 100 });
    issueIdTokens();
    const run = await runAction({
      inputs: {
        ...keylessInputs(),
        'identity-provider': PROVIDER_URN,
        agency: AGENCY_URN,
        'sts-endpoint': emulator.url,
        timeout: '2h',
      },
      env: idTokenEnv(),
    });
    expectShared(run);
  });
});

describe('IAM password sign-in', () => {
  it('takes the project from the token', async () => {
    const run = await runAction({
      inputs: {
        ...keylessInputs(),
        'user-name': 'demo-user',
        password: 'demo-password',
        'domain-name': 'demo-account',
      },
    });
    expectShared(run);
    const routes = emulator.requests.map((entry) => entry.route);
    expect(routes).toContain('createToken');
    expect(routes).not.toContain('listProjects');
    expect(emulator.tokens()[0]?.projectId).toBe(OWNER_PROJECT);
    expect(unmaskedOutput(run)).not.toContain('demo-password');
    const token = emulator.tokens()[0]?.token ?? '';
    expect(unmaskedOutput(run)).not.toContain(token);
  });

  it('fails with a wrong password', async () => {
    const run = await runAction({
      inputs: {
        ...keylessInputs(),
        'user-name': 'demo-user',
        password: 'not-the-password',
        'domain-name': 'demo-account',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(lastError(run)).toContain('username or password is wrong');
    expect(unmaskedOutput(run)).not.toContain('not-the-password');
  });
});

describe('environment variable names', () => {
  function regionless(): Record<string, string> {
    const { region: _region, ...inputs } = keylessInputs();
    return inputs;
  }

  it('reads Open Telekom Cloud names', async () => {
    const run = await runAction({
      inputs: regionless(),
      env: {
        OS_ACCESS_KEY: OWNER_KEY.ak,
        OS_SECRET_KEY: OWNER_KEY.sk,
        OS_PROJECT_ID: OWNER_PROJECT,
        OS_REGION_NAME: REGION,
      },
    });
    expectShared(run);
    expect(run.stdout).toContain('Project ID from OS_PROJECT_ID');
    const routes = emulator.requests.map((entry) => entry.route);
    expect(routes).not.toContain('listProjects');
  });

  it('reads HW_REGION_NAME', async () => {
    const run = await runAction({
      inputs: { ...regionless(), 'project-id': OWNER_PROJECT },
      env: {
        HW_ACCESS_KEY: OWNER_KEY.ak,
        HW_SECRET_KEY: OWNER_KEY.sk,
        HW_REGION_NAME: REGION,
      },
    });
    expectShared(run);
    expect(run.stdout).toContain(`region ${REGION}`);
  });

  it('prefers HUAWEI_CLOUD_REGION', async () => {
    const run = await runAction({
      inputs: { ...regionless(), 'project-id': OWNER_PROJECT },
      env: {
        HUAWEICLOUD_SDK_AK: OWNER_KEY.ak,
        HUAWEICLOUD_SDK_SK: OWNER_KEY.sk,
        HUAWEI_CLOUD_REGION: REGION,
        HW_REGION_NAME: 'eu-west-0',
        OS_REGION_NAME: 'eu-de',
      },
    });
    expectShared(run);
    expect(run.stdout).toContain(`region ${REGION}`);
  });
});

describe('cloud endpoints', () => {
  it('applies the OTC member limit', async () => {
    const ownerProject = 'a1e0000000000000000000000000de01';
    const partnerProject = 'b2e0000000000000000000000000de02';
    const imageId = '3c5a0c1e-0000-4000-8000-0000000000de';

    emulator.updateSettings({ memberLimit: 256 });
    emulator.addProject({
      id: ownerProject,
      name: 'eu-de',
      region: 'eu-de',
      accountId: OWNER_ACCOUNT,
    });
    emulator.addProject({
      id: partnerProject,
      name: 'eu-de',
      region: 'eu-de',
      accountId: PARTNER_ACCOUNT,
    });
    emulator.addImage({
      id: imageId,
      name: 'otc-image',
      owner: ownerProject,
      members: Array.from({ length: 200 }, (_, index) => ({
        memberId: index.toString(16).padStart(32, 'c'),
        memberType: 'project' as const,
        status: 'accepted' as const,
      })),
    });

    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        cloud: 'otc',
        region: 'eu-de',
        'project-id': ownerProject,
        'image-ids': imageId,
        'project-ids': partnerProject,
      },
    });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs['shared-count']).toBe('1');
    expect(emulator.getMembers(imageId)).toHaveLength(201);
    expect(run.stdout).toContain('Cloud otc');
  });

  it('rejects region outside OTC', async () => {
    // The IMS endpoint points at the emulator so that a run that went on
    // could not reach any other host; IAM stays derived from the cloud.
    const { 'iam-endpoint': _iam, ...inputs } = baseInputs(emulator.url);
    const run = await runAction({
      inputs: {
        ...inputs,
        cloud: 'otc',
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
      },
    });
    expect(run.exitCode).toBe(1);
    expect(lastError(run)).toContain('eu-de, eu-nl, eu-ch2');
    expect(emulator.requests).toHaveLength(0);
  });

  it('rejects non-loopback plain http', async () => {
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'ims-endpoint': 'http://ims.ap-southeast-1.invalid',
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
      },
    });
    expect(run.exitCode).toBe(1);
    expect(lastError(run)).toContain('must use https://');
    expect(emulator.requests).toHaveLength(0);
  });

  it('accepts loopback without a warning', async () => {
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
      },
    });
    expectShared(run);
    expect(annotations(run.stdout, 'warning')).toEqual([]);
  });

  it('warns about a host outside the domain', () => {
    const warnings: string[] = [];
    const logger: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warning: (message) => warnings.push(message),
    };
    const url = parseEndpoint(
      'ims-endpoint',
      'https://ims.example.net',
      CLOUDS.huaweicloud,
      logger,
    );
    expect(url.hostname).toBe('ims.example.net');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('not under myhuaweicloud.com');
  });

  it('stays quiet for a host inside the domain', () => {
    const warnings: string[] = [];
    const logger: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warning: (message) => warnings.push(message),
    };
    parseEndpoint(
      'ims-endpoint',
      'https://ims.eu-de.otc.t-systems.com',
      CLOUDS.otc,
      logger,
    );
    expect(warnings).toEqual([]);
  });
});
