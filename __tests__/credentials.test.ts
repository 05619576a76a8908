import { describe, expect, it } from 'vitest';
import {
  CREDENTIAL_ENV_FAMILIES,
  projectIdFromEnvironment,
  resolveCredentials,
} from '../src/auth/credentials.js';
import { InputError } from '../src/errors.js';
import { DEFAULT_AUDIENCE, type CredentialInputs } from '../src/inputs.js';

const NO_INPUTS: CredentialInputs = {
  accessKey: '',
  secretKey: '',
  securityToken: '',
  authToken: '',
  userName: '',
  password: '',
  domainName: '',
  identityProvider: '',
  agency: '',
  audience: '',
};

/** Distinct fake secrets, so a leak into a message is easy to spot. */
const SECRETS = {
  inputAk: 'INPUTAKVALUE0001',
  inputSk: 'input-sk-secret-0001',
  inputSt: 'input-st-secret-0001',
  inputToken: 'input-token-secret-0001',
  envAk: 'ENVAKVALUE0002',
  envSk: 'env-sk-secret-0002',
  envSt: 'env-st-secret-0002',
};

/** Calls `resolveCredentials` and records every value passed to `setSecret`. */
function resolve(
  inputs: Partial<CredentialInputs>,
  env: Record<string, string | undefined> = {},
) {
  const masked: string[] = [];
  let result: ReturnType<typeof resolveCredentials> | undefined;
  let error: unknown;
  try {
    result = resolveCredentials({ ...NO_INPUTS, ...inputs }, env, (secret) =>
      masked.push(secret),
    );
  } catch (caught) {
    error = caught;
  }
  return { result, error, masked };
}

/** Asserts that `error` is an InputError naming `input` and holding no secret. */
function expectInputError(error: unknown, input: string): void {
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).input).toBe(input);
  for (const secret of Object.values(SECRETS)) {
    expect((error as InputError).message).not.toContain(secret);
  }
}

describe('resolveCredentials from inputs', () => {
  it('prefers inputs over environment', () => {
    const { result, masked } = resolve(
      { accessKey: SECRETS.inputAk, secretKey: SECRETS.inputSk },
      { HUAWEICLOUD_SDK_AK: SECRETS.envAk, HUAWEICLOUD_SDK_SK: SECRETS.envSk },
    );
    expect(result).toEqual({
      kind: 'aksk',
      accessKey: SECRETS.inputAk,
      secretKey: SECRETS.inputSk,
      securityToken: undefined,
      source: 'inputs access-key / secret-key',
    });
    expect(masked).toEqual([SECRETS.inputAk, SECRETS.inputSk]);
  });

  it('keeps the input security token', () => {
    const { result, masked } = resolve({
      accessKey: SECRETS.inputAk,
      secretKey: SECRETS.inputSk,
      securityToken: SECRETS.inputSt,
    });
    expect(result?.kind).toBe('aksk');
    expect(result).toMatchObject({ securityToken: SECRETS.inputSt });
    expect(masked).toEqual([SECRETS.inputAk, SECRETS.inputSk, SECRETS.inputSt]);
  });

  it('returns the auth token', () => {
    const { result, masked } = resolve(
      { authToken: SECRETS.inputToken },
      { HUAWEICLOUD_SDK_AK: SECRETS.envAk, HUAWEICLOUD_SDK_SK: SECRETS.envSk },
    );
    expect(result).toEqual({
      kind: 'token',
      token: SECRETS.inputToken,
      source: 'input auth-token',
    });
    expect(masked).toEqual([SECRETS.inputToken]);
  });

  it('rejects auth token with access key', () => {
    const { error, masked } = resolve({
      accessKey: SECRETS.inputAk,
      secretKey: SECRETS.inputSk,
      authToken: SECRETS.inputToken,
    });
    expectInputError(error, 'auth-token');
    expect((error as Error).message).toContain('access-key');
    expect(masked).toEqual([
      SECRETS.inputAk,
      SECRETS.inputSk,
      SECRETS.inputToken,
    ]);
  });

  it.each([
    ['secret key missing', { accessKey: SECRETS.inputAk }, 'secret-key'],
    ['access key missing', { secretKey: SECRETS.inputSk }, 'access-key'],
    [
      'access key missing with token',
      { secretKey: SECRETS.inputSk, securityToken: SECRETS.inputSt },
      'access-key',
    ],
  ])('rejects half pair: %s', (_case, inputs, missing) => {
    const { error, masked } = resolve(inputs, {
      HUAWEICLOUD_SDK_AK: SECRETS.envAk,
      HUAWEICLOUD_SDK_SK: SECRETS.envSk,
    });
    expectInputError(error, missing);
    expect((error as Error).message).toContain(`Input ${missing} is empty`);
    expect(masked).toEqual(Object.values(inputs));
  });

  it('leaves the audience unmasked', () => {
    const { masked } = resolve({
      accessKey: SECRETS.inputAk,
      secretKey: SECRETS.inputSk,
      audience: DEFAULT_AUDIENCE,
    });
    expect(masked).not.toContain(DEFAULT_AUDIENCE);
  });

  it('rejects security token alone', () => {
    const { error, masked } = resolve(
      { securityToken: SECRETS.inputSt },
      { HUAWEICLOUD_SDK_AK: SECRETS.envAk, HUAWEICLOUD_SDK_SK: SECRETS.envSk },
    );
    expectInputError(error, 'security-token');
    expect(masked).toEqual([SECRETS.inputSt]);
  });
});

describe('resolveCredentials from environment', () => {
  it.each(CREDENTIAL_ENV_FAMILIES.map((family) => [family.accessKey, family]))(
    'reads family %s',
    (_name, family) => {
      const { result, masked } = resolve(
        {},
        {
          [family.accessKey]: SECRETS.envAk,
          [family.secretKey]: SECRETS.envSk,
        },
      );
      expect(result).toEqual({
        kind: 'aksk',
        accessKey: SECRETS.envAk,
        secretKey: SECRETS.envSk,
        securityToken: undefined,
        source: `environment ${family.source}`,
      });
      expect(masked).toEqual([SECRETS.envAk, SECRETS.envSk]);
    },
  );

  it.each([
    ['HUAWEICLOUD_SDK', 'HUAWEICLOUD_SDK_SECURITY_TOKEN'],
    ['HW', 'HW_SECURITY_TOKEN'],
  ])('reads the %s security token', (prefix, tokenVariable) => {
    const family = CREDENTIAL_ENV_FAMILIES.find((f) =>
      f.accessKey.startsWith(`${prefix}_`),
    );
    const { result, masked } = resolve(
      {},
      {
        [family?.accessKey ?? '']: SECRETS.envAk,
        [family?.secretKey ?? '']: SECRETS.envSk,
        [tokenVariable]: SECRETS.envSt,
      },
    );
    expect(result).toMatchObject({ securityToken: SECRETS.envSt });
    expect(masked).toEqual([SECRETS.envAk, SECRETS.envSk, SECRETS.envSt]);
  });

  it('takes the first complete family', () => {
    const { result, masked } = resolve(
      {},
      {
        HW_ACCESS_KEY: 'HWAK',
        HW_SECRET_KEY: 'hw-sk',
        HUAWEI_CLOUD_ACCESS_KEY_ID: SECRETS.envAk,
        HUAWEI_CLOUD_SECRET_ACCESS_KEY: SECRETS.envSk,
      },
    );
    expect(result).toMatchObject({
      accessKey: SECRETS.envAk,
      secretKey: SECRETS.envSk,
    });
    expect(result?.source).toContain('HUAWEI_CLOUD_ACCESS_KEY_ID');
    expect(masked).toEqual([SECRETS.envAk, SECRETS.envSk]);
  });

  it('prefers SDK family over others', () => {
    const { result } = resolve(
      {},
      {
        HW_ACCESS_KEY: 'HWAK',
        HW_SECRET_KEY: 'hw-sk',
        HUAWEI_CLOUD_ACCESS_KEY_ID: 'AUTHAK',
        HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'auth-sk',
        HUAWEICLOUD_SDK_AK: SECRETS.envAk,
        HUAWEICLOUD_SDK_SK: SECRETS.envSk,
      },
    );
    expect(result?.source).toContain('HUAWEICLOUD_SDK_AK');
  });

  it('trims values and skips blanks', () => {
    const { result, masked } = resolve(
      {},
      {
        HUAWEICLOUD_SDK_AK: '  ',
        HUAWEICLOUD_SDK_SK: '\n',
        HW_ACCESS_KEY: ` ${SECRETS.envAk}\n`,
        HW_SECRET_KEY: `${SECRETS.envSk} `,
      },
    );
    expect(result).toMatchObject({
      accessKey: SECRETS.envAk,
      secretKey: SECRETS.envSk,
    });
    expect(masked).toEqual([SECRETS.envAk, SECRETS.envSk]);
  });

  it.each(
    CREDENTIAL_ENV_FAMILIES.flatMap((family) => [
      [family.secretKey, { [family.accessKey]: SECRETS.envAk }, SECRETS.envAk],
      [family.accessKey, { [family.secretKey]: SECRETS.envSk }, SECRETS.envSk],
    ]),
  )('rejects half pair missing %s', (missing, env, value) => {
    const { error, masked } = resolve({}, env);
    expectInputError(error, missing);
    expect((error as Error).message).toContain(
      `Environment variable ${missing} is empty`,
    );
    expect(masked).toEqual([value]);
  });

  it('rejects a half pair after empty families', () => {
    const { error } = resolve({}, { HW_SECRET_KEY: SECRETS.envSk });
    expectInputError(error, 'HW_ACCESS_KEY');
  });

  it('reports missing credentials', () => {
    const { error, masked } = resolve({}, { UNRELATED: 'value' });
    expectInputError(error, 'access-key');
    expect((error as Error).message).toContain('No credentials found');
    expect((error as Error).message).toContain('HUAWEICLOUD_SDK_AK');
    expect(masked).toEqual([]);
  });
});

describe('projectIdFromEnvironment', () => {
  const first = '0123456789ABCDEF0123456789ABCDEF';
  const second = 'fedcba9876543210fedcba9876543210';

  it('returns undefined without variables', () => {
    expect(projectIdFromEnvironment({})).toBeUndefined();
  });

  it('lower-cases and names the variable', () => {
    expect(projectIdFromEnvironment({ HW_PROJECT_ID: ` ${first} ` })).toEqual({
      projectId: first.toLowerCase(),
      variable: 'HW_PROJECT_ID',
    });
  });

  it.each([
    [
      { HUAWEICLOUD_SDK_PROJECT_ID: first, HW_PROJECT_ID: second },
      'HUAWEICLOUD_SDK_PROJECT_ID',
    ],
    [
      { HUAWEI_CLOUD_PROJECT_ID: first, HW_PROJECT_ID: second },
      'HUAWEI_CLOUD_PROJECT_ID',
    ],
    [
      { HUAWEICLOUD_SDK_PROJECT_ID: ' ', HW_PROJECT_ID: second },
      'HW_PROJECT_ID',
    ],
  ])('reads variables in order %#', (env, variable) => {
    expect(projectIdFromEnvironment(env)?.variable).toBe(variable);
  });
});
