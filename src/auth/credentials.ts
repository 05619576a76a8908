/**
 * Chooses the credentials of a run from the inputs and the environment, and
 * masks every secret the moment it is read.
 */

import { Inputs } from '../constants.js';
import { InputError } from '../errors.js';
import type { CredentialInputs } from '../inputs.js';

export interface AkSkCredentials {
  kind: 'aksk';
  accessKey: string;
  secretKey: string;
  /** Present for temporary keys; sent as `X-Security-Token`. */
  securityToken: string | undefined;
  /** Source of the keys, for the log: an input or a variable family. */
  source: string;
}

export interface TokenCredentials {
  kind: 'token';
  token: string;
  source: string;
}

export type Credentials = AkSkCredentials | TokenCredentials;

/** Environment variable families, in the order they are read. */
export const CREDENTIAL_ENV_FAMILIES = [
  {
    source: 'HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK (official SDKs)',
    accessKey: 'HUAWEICLOUD_SDK_AK',
    secretKey: 'HUAWEICLOUD_SDK_SK',
    securityToken: 'HUAWEICLOUD_SDK_SECURITY_TOKEN',
  },
  {
    source:
      'HUAWEI_CLOUD_ACCESS_KEY_ID / HUAWEI_CLOUD_SECRET_ACCESS_KEY (huaweicloud/auth-action)',
    accessKey: 'HUAWEI_CLOUD_ACCESS_KEY_ID',
    secretKey: 'HUAWEI_CLOUD_SECRET_ACCESS_KEY',
    securityToken: undefined,
  },
  {
    source: 'HW_ACCESS_KEY / HW_SECRET_KEY (Terraform provider, Packer plugin)',
    accessKey: 'HW_ACCESS_KEY',
    secretKey: 'HW_SECRET_KEY',
    securityToken: 'HW_SECURITY_TOKEN',
  },
  {
    source:
      'OS_ACCESS_KEY / OS_SECRET_KEY (Open Telekom Cloud Terraform provider)',
    accessKey: 'OS_ACCESS_KEY',
    secretKey: 'OS_SECRET_KEY',
    securityToken: 'OS_SECURITY_TOKEN',
  },
] as const;

/** Variables that may hold the owner's project ID, in the order they are read. */
export const PROJECT_ID_ENV_NAMES = [
  'HUAWEICLOUD_SDK_PROJECT_ID',
  'HUAWEI_CLOUD_PROJECT_ID',
  'HW_PROJECT_ID',
  'OS_PROJECT_ID',
] as const;

type Environment = Record<string, string | undefined>;

/**
 * Returns the credentials of the run: the inputs when set, else the first
 * complete variable family of the environment. Calls `setSecret` on every
 * secret before returning, so nothing logged later can show one.
 */
export function resolveCredentials(
  inputs: CredentialInputs,
  env: Environment,
  setSecret: (secret: string) => void,
): Credentials {
  for (const value of [
    inputs.accessKey,
    inputs.secretKey,
    inputs.securityToken,
    inputs.authToken,
  ]) {
    if (value) setSecret(value);
  }
  if (inputs.authToken !== '' && inputs.accessKey !== '') {
    throw new InputError(
      Inputs.AuthToken,
      `Inputs ${Inputs.AuthToken} and ${Inputs.AccessKey} are both set. Use one sign-in method: remove one of them.`,
    );
  }
  if (inputs.authToken !== '') {
    return {
      kind: 'token',
      token: inputs.authToken,
      source: `input ${Inputs.AuthToken}`,
    };
  }
  if (inputs.accessKey !== '' || inputs.secretKey !== '') {
    return fromInputs(inputs);
  }
  if (inputs.securityToken !== '') {
    throw new InputError(
      Inputs.SecurityToken,
      `Input ${Inputs.SecurityToken} is set without ${Inputs.AccessKey} and ${Inputs.SecretKey}. Set the temporary key pair that belongs to the token.`,
    );
  }
  return fromEnvironment(env, setSecret);
}

function fromInputs(inputs: CredentialInputs): AkSkCredentials {
  const missing = inputs.accessKey === '' ? Inputs.AccessKey : Inputs.SecretKey;
  if (inputs.accessKey === '' || inputs.secretKey === '') {
    throw new InputError(
      missing,
      `Input ${missing} is empty while its pair is set. Set both ${Inputs.AccessKey} and ${Inputs.SecretKey}.`,
    );
  }
  return {
    kind: 'aksk',
    accessKey: inputs.accessKey,
    secretKey: inputs.secretKey,
    securityToken: inputs.securityToken || undefined,
    source: `inputs ${Inputs.AccessKey} / ${Inputs.SecretKey}`,
  };
}

function fromEnvironment(
  env: Environment,
  setSecret: (secret: string) => void,
): AkSkCredentials {
  for (const family of CREDENTIAL_ENV_FAMILIES) {
    const accessKey = env[family.accessKey]?.trim() ?? '';
    const secretKey = env[family.secretKey]?.trim() ?? '';
    const securityToken = family.securityToken
      ? (env[family.securityToken]?.trim() ?? '')
      : '';
    for (const value of [accessKey, secretKey, securityToken]) {
      if (value) setSecret(value);
    }
    if (accessKey === '' && secretKey === '') continue;
    if (accessKey === '' || secretKey === '') {
      const missing = accessKey === '' ? family.accessKey : family.secretKey;
      throw new InputError(
        missing,
        `Environment variable ${missing} is empty while its pair is set. Set both, or remove both.`,
      );
    }
    return {
      kind: 'aksk',
      accessKey,
      secretKey,
      securityToken: securityToken || undefined,
      source: `environment ${family.source}`,
    };
  }
  throw new InputError(
    Inputs.AccessKey,
    `No credentials found. Set inputs ${Inputs.AccessKey} and ${Inputs.SecretKey} (or ${Inputs.AuthToken}), ` +
      'or the environment variables HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK from repository secrets.',
  );
}

/** Returns the owner's project ID from the environment, with the variable's name. */
export function projectIdFromEnvironment(
  env: Environment,
): { projectId: string; variable: string } | undefined {
  for (const variable of PROJECT_ID_ENV_NAMES) {
    const value = env[variable]?.trim();
    if (value) return { projectId: value.toLowerCase(), variable };
  }
  return undefined;
}
