/**
 * Chooses the one sign-in method of a run and turns it into credentials
 * that sign IMS requests. Every secret is masked the moment it exists.
 */

import { Inputs } from '../constants.js';
import { InputError } from '../errors.js';
import type { CredentialInputs } from '../inputs.js';
import { resolveCredentials, type Credentials } from './credentials.js';

/** Sign-in method of a run, chosen before any request is sent. */
export type SignInMethod =
  | { kind: 'credentials'; credentials: Credentials }
  | {
      kind: 'password';
      userName: string;
      password: string;
      domainName: string;
    }
  | { kind: 'oidc-iam'; identityProvider: string; audience: string }
  | {
      kind: 'oidc-sts';
      providerUrn: string;
      agencyUrn: string;
      audience: string;
    };

type Environment = Record<string, string | undefined>;

/** Input groups of the sign-in methods, for the "two methods" error. */
const METHOD_INPUTS = [
  {
    method: 'access key',
    inputs: [Inputs.AccessKey, Inputs.SecretKey, Inputs.SecurityToken],
  },
  { method: 'IAM token', inputs: [Inputs.AuthToken] },
  {
    method: 'IAM password',
    inputs: [Inputs.UserName, Inputs.Password, Inputs.DomainName],
  },
  { method: 'GitHub OIDC', inputs: [Inputs.IdentityProvider, Inputs.Agency] },
] as const;

const INPUT_FIELDS: Record<string, keyof CredentialInputs> = {
  [Inputs.AccessKey]: 'accessKey',
  [Inputs.SecretKey]: 'secretKey',
  [Inputs.SecurityToken]: 'securityToken',
  [Inputs.AuthToken]: 'authToken',
  [Inputs.UserName]: 'userName',
  [Inputs.Password]: 'password',
  [Inputs.DomainName]: 'domainName',
  [Inputs.IdentityProvider]: 'identityProvider',
  [Inputs.Agency]: 'agency',
};

/**
 * Returns the run's sign-in method. Inputs of two methods at once are an
 * error that names an input of each; with no method input, access keys
 * come from the environment.
 */
export function chooseSignInMethod(
  inputs: CredentialInputs,
  env: Environment,
  setSecret: (secret: string) => void,
): SignInMethod {
  for (const value of [
    inputs.password,
    inputs.authToken,
    inputs.secretKey,
    inputs.securityToken,
  ]) {
    if (value) setSecret(value);
  }
  const used = METHOD_INPUTS.map((group) => ({
    method: group.method,
    set: group.inputs.filter(
      (name) => inputs[INPUT_FIELDS[name] as keyof CredentialInputs] !== '',
    ),
  })).filter((group) => group.set.length > 0);
  if (used.length > 1) {
    const [first, second] = used as [(typeof used)[0], (typeof used)[0]];
    throw new InputError(
      second.set[0] as string,
      `Inputs ${first.set[0]} (${first.method}) and ${second.set[0]} (${second.method}) are both set. ` +
        'Use one sign-in method per run: remove the inputs of the other.',
    );
  }
  const method = used[0]?.method;
  if (method === 'IAM password') return passwordMethod(inputs);
  if (method === 'GitHub OIDC') return oidcMethod(inputs);
  return {
    kind: 'credentials',
    credentials: resolveCredentials(inputs, env, setSecret),
  };
}

function passwordMethod(inputs: CredentialInputs): SignInMethod {
  const missing = [
    [Inputs.UserName, inputs.userName],
    [Inputs.Password, inputs.password],
    [Inputs.DomainName, inputs.domainName],
  ].find(([, value]) => value === '');
  if (missing) {
    throw new InputError(
      missing[0] as string,
      `Input ${missing[0]} is empty. An IAM password sign-in needs ${Inputs.UserName}, ${Inputs.Password} and ${Inputs.DomainName} (the account name).`,
    );
  }
  return {
    kind: 'password',
    userName: inputs.userName,
    password: inputs.password,
    domainName: inputs.domainName,
  };
}

function oidcMethod(inputs: CredentialInputs): SignInMethod {
  if (inputs.identityProvider === '') {
    throw new InputError(
      Inputs.IdentityProvider,
      `Input ${Inputs.Agency} is set without ${Inputs.IdentityProvider}. Set ${Inputs.IdentityProvider} to the identity provider's URN, such as iam::{account_id}:identity-provider:github.`,
    );
  }
  if (inputs.agency === '') {
    return {
      kind: 'oidc-iam',
      identityProvider: inputs.identityProvider,
      audience: inputs.audience,
    };
  }
  return {
    kind: 'oidc-sts',
    providerUrn: inputs.identityProvider,
    agencyUrn: inputs.agency,
    audience: inputs.audience,
  };
}

/** The shortest lifetime IAM and STS grant to temporary keys, in seconds. */
export const MIN_KEY_DURATION_SECONDS = 900;

/**
 * Returns the lifetime to request for temporary keys: the step's timeout
 * plus two minutes for the reads before and after the wait, at least the
 * 900 s minimum and at most `maxSeconds`.
 */
export function keyDurationSeconds(
  timeoutMs: number,
  maxSeconds: number,
): number {
  const needed = Math.ceil(timeoutMs / 1000) + 120;
  return Math.min(maxSeconds, Math.max(MIN_KEY_DURATION_SECONDS, needed));
}

/**
 * Builds the STS `agency_session_name` from the repository and run, using
 * only the characters `A-Z a-z 0-9 _ = , . @ -`, 2 to 64 of them.
 */
export function buildSessionName(env: Environment): string {
  const repository = env.GITHUB_REPOSITORY ?? 'local';
  const run = env.GITHUB_RUN_ID ?? String(Date.now());
  const name = `gha-${repository}-${run}`.replace(/[^A-Za-z0-9_=,.@-]/g, '-');
  return name.slice(-64).replace(/^-+/, 'g');
}
