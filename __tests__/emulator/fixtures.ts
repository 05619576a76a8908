/**
 * Small state for emulator tests: an owner account with three projects, a
 * partner and a third account in the same region, a project in another
 * region, and images of every kind the sharing rules distinguish.
 */
import {
  sdkDate,
  startEmulator,
  type Emulator,
  type StateFile,
} from '../../emulator/index.js';
import {
  signedRequest,
  type TestCredentials,
  type TestRequest,
} from './client.js';

export const OWNER_ACCOUNT = '11111111111111111111111111111111';
export const PARTNER_ACCOUNT = '22222222222222222222222222222222';
export const THIRD_ACCOUNT = '33333333333333333333333333333333';
export const SYSTEM_ACCOUNT = '44444444444444444444444444444444';

export const OWNER_PROJECT = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa01';
export const OWNER_DEV_PROJECT = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa02';
export const PARTNER_PROJECT = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb01';
export const PARTNER_FAR_PROJECT = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb02';
export const THIRD_PROJECT = 'cccccccccccccccccccccccccccccc01';
export const SYSTEM_PROJECT = 'dddddddddddddddddddddddddddddd01';
export const UNKNOWN_PROJECT = 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeee01';

export const IMAGE_A = '00000000-0000-4000-8000-00000000000a';
export const IMAGE_B = '00000000-0000-4000-8000-00000000000b';
export const IMAGE_SAVING = '00000000-0000-4000-8000-0000000000c1';
export const IMAGE_GOLD = '00000000-0000-4000-8000-0000000000c2';
export const IMAGE_MARKET = '00000000-0000-4000-8000-0000000000c3';
export const IMAGE_ENCRYPTED_DEFAULT = '00000000-0000-4000-8000-0000000000c4';
export const IMAGE_ENCRYPTED_CUSTOM = '00000000-0000-4000-8000-0000000000c5';
export const IMAGE_WHOLE_BACKUP = '00000000-0000-4000-8000-0000000000c6';
export const IMAGE_WHOLE_NO_BACKUP = '00000000-0000-4000-8000-0000000000c7';
export const IMAGE_PARTNER = '00000000-0000-4000-8000-0000000000c8';
export const IMAGE_UNKNOWN = '00000000-0000-4000-8000-0000000000ff';

export const DEFAULT_KEY = 'kms-default-key';

export const OWNER: TestCredentials = {
  ak: 'OWNERACCESSKEY000001',
  sk: 'OWNERSECRETKEY000000000000000000000001',
  projectId: OWNER_PROJECT,
};
export const OWNER_TEMP: TestCredentials = {
  ak: 'OWNERTEMPKEY00000001',
  sk: 'OWNERTEMPSECRET0000000000000000000001',
  securityToken: 'temporary-token+/=',
  projectId: OWNER_PROJECT,
};
export const PARTNER: TestCredentials = {
  ak: 'PARTNERACCESSKEY0001',
  sk: 'PARTNERSECRETKEY00000000000000000001',
  projectId: PARTNER_PROJECT,
};
export const THIRD: TestCredentials = {
  ak: 'THIRDACCESSKEY000001',
  sk: 'THIRDSECRETKEY000000000000000000000001',
  projectId: THIRD_PROJECT,
};

/** Builds the test state; `settings` override the defaults. */
export function testState(settings: StateFile['settings'] = {}): StateFile {
  return {
    accounts: [
      {
        id: OWNER_ACCOUNT,
        name: 'owner-account',
        accessKeys: [
          { ak: OWNER.ak, sk: OWNER.sk },
          {
            ak: OWNER_TEMP.ak,
            sk: OWNER_TEMP.sk,
            securityToken: 'temporary-token+/=',
            expiresAt: '2099-01-01T00:00:00Z',
          },
        ],
        users: [
          {
            id: 'f0000000000000000000000000000001',
            name: 'owner-user',
            password: 'owner-password',
          },
        ],
        defaultKmsKeyId: DEFAULT_KEY,
      },
      {
        id: PARTNER_ACCOUNT,
        name: 'partner-account',
        accessKeys: [{ ak: PARTNER.ak, sk: PARTNER.sk }],
      },
      {
        id: THIRD_ACCOUNT,
        name: 'third-account',
        accessKeys: [{ ak: THIRD.ak, sk: THIRD.sk }],
      },
      { id: SYSTEM_ACCOUNT, name: 'system-account' },
    ],
    projects: [
      {
        id: OWNER_PROJECT,
        name: 'ap-southeast-1',
        region: 'ap-southeast-1',
        accountId: OWNER_ACCOUNT,
      },
      {
        id: OWNER_DEV_PROJECT,
        name: 'ap-southeast-1_dev',
        region: 'ap-southeast-1',
        accountId: OWNER_ACCOUNT,
      },
      {
        id: PARTNER_PROJECT,
        name: 'ap-southeast-1',
        region: 'ap-southeast-1',
        accountId: PARTNER_ACCOUNT,
      },
      {
        id: PARTNER_FAR_PROJECT,
        name: 'ap-southeast-3',
        region: 'ap-southeast-3',
        accountId: PARTNER_ACCOUNT,
      },
      {
        id: THIRD_PROJECT,
        name: 'ap-southeast-1',
        region: 'ap-southeast-1',
        accountId: THIRD_ACCOUNT,
      },
      {
        id: SYSTEM_PROJECT,
        name: 'ap-southeast-1',
        region: 'ap-southeast-1',
        accountId: SYSTEM_ACCOUNT,
      },
    ],
    images: [
      {
        id: IMAGE_A,
        name: 'image-a',
        owner: OWNER_PROJECT,
        createdAt: '2024-01-02T00:00:00Z',
      },
      {
        id: IMAGE_B,
        name: 'image-b',
        owner: OWNER_PROJECT,
        createdAt: '2024-01-03T00:00:00Z',
      },
      {
        id: IMAGE_SAVING,
        name: 'saving',
        owner: OWNER_PROJECT,
        status: 'saving',
      },
      { id: IMAGE_GOLD, name: 'public', owner: SYSTEM_PROJECT, type: 'gold' },
      {
        id: IMAGE_MARKET,
        name: 'market',
        owner: OWNER_PROJECT,
        type: 'market',
      },
      {
        id: IMAGE_ENCRYPTED_DEFAULT,
        name: 'enc-default',
        owner: OWNER_PROJECT,
        cmkId: DEFAULT_KEY,
      },
      {
        id: IMAGE_ENCRYPTED_CUSTOM,
        name: 'enc-custom',
        owner: OWNER_PROJECT,
        cmkId: 'kms-custom-key',
      },
      {
        id: IMAGE_WHOLE_BACKUP,
        name: 'whole-backup',
        owner: OWNER_PROJECT,
        wholeImage: true,
        backupId: 'backup-1',
      },
      {
        id: IMAGE_WHOLE_NO_BACKUP,
        name: 'whole-ecs',
        owner: OWNER_PROJECT,
        wholeImage: true,
      },
      { id: IMAGE_PARTNER, name: 'partner-image', owner: PARTNER_PROJECT },
    ],
    settings: { jobDurationMs: 40, ...settings },
  };
}

/** Starts an emulator on a free port with the test state. */
export function startTestEmulator(
  settings: StateFile['settings'] = {},
): Promise<Emulator> {
  return startEmulator({ port: 0, state: testState(settings) });
}

/** Submits a member request and returns its job ID (asserting HTTP 200). */
export async function submitJob(
  emulator: Emulator,
  credentials: TestCredentials,
  method: 'POST' | 'PUT' | 'DELETE',
  body: unknown,
): Promise<string> {
  const response = await signedRequest(emulator.url, credentials, {
    method,
    path: '/v1/cloudimages/members',
    body,
    sdkDate: sdkDate(emulator.now()),
  });
  if (response.status !== 200) {
    throw new Error(
      `member request failed with ${response.status}: ${response.text}`,
    );
  }
  return response.json.job_id as string;
}

/** Polls ShowJob every 10 ms until the job ends, for at most 5 s. */
export async function waitForJob(
  emulator: Emulator,
  credentials: TestCredentials,
  jobId: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<any> {
  const deadline = Date.now() + 5000;
  for (let attempt = 0; attempt < 500 && Date.now() < deadline; attempt++) {
    const response = await showJob(emulator, credentials, jobId);
    if (response.json.status === 'SUCCESS' || response.json.status === 'FAIL') {
      return response.json;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`job ${jobId} did not end within 5 s`);
}

/** Calls ShowJob in the caller's project. */
export function showJob(
  emulator: Emulator,
  credentials: TestCredentials,
  jobId: string,
) {
  return signedRequest(emulator.url, credentials, {
    method: 'GET',
    path: `/v1/${credentials.projectId}/jobs/${jobId}`,
    sdkDate: sdkDate(emulator.now()),
  });
}

/** Shares images with targets and waits for the job; returns the job body. */
export async function shareAndWait(
  emulator: Emulator,
  credentials: TestCredentials,
  body: unknown,
  method: 'POST' | 'PUT' | 'DELETE' = 'POST',
) {
  const jobId = await submitJob(emulator, credentials, method, body);
  return waitForJob(emulator, credentials, jobId);
}

export type { TestRequest };
