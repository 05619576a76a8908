/**
 * Turns validated inputs into a connected session: endpoints, credentials
 * (after any sign-in exchange), the HTTP client, the owner's project ID and
 * the IMS client.
 */

import * as core from '@actions/core';

import {
  projectIdFromEnvironment,
  type Credentials,
} from './auth/credentials.js';
import {
  buildSessionName,
  chooseSignInMethod,
  keyDurationSeconds,
  type SignInMethod,
} from './auth/sign-in.js';
import { createAkSkAuthorizer, createTokenAuthorizer } from './auth/signer.js';
import type { Clock, Sleep } from './clock.js';
import { Inputs } from './constants.js';
import { resolveEndpoints, type Endpoints } from './cloud/endpoints.js';
import {
  assumeAgencyWithOidc,
  createPasswordToken,
  createTemporaryKeys,
  createTokenWithIdToken,
  type TemporaryKeys,
} from './cloud/federation.js';
import { requestGitHubIdToken } from './cloud/github-oidc.js';
import { IamClient } from './cloud/iam.js';
import { ImsClient } from './cloud/ims.js';
import { ApiError, InputError } from './errors.js';
import { HttpClient } from './http/client.js';
import type { Authorizer } from './http/types.js';
import { parseProjectIds, type ActionInputs } from './inputs.js';
import type { Logger } from './logger.js';

export interface Session {
  endpoints: Endpoints;
  projectId: string;
  ims: ImsClient;
  http: HttpClient;
}

export interface SessionOptions {
  env: Record<string, string | undefined>;
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
  signal: AbortSignal;
  userAgent: string;
  /**
   * Whether `project-id` and the project variables apply. They name one
   * project, so only the `region` input's region uses them; the other
   * regions of `regions` look their project up with IAM.
   */
  useConfiguredProject?: boolean;
  /** Time on `clock` when the step's `timeout` passes; bounds retries and attempts. */
  deadline?: number | undefined;
}

/** Maximum lifetime of IAM temporary keys (IAM "Obtaining a Temporary Access Key"). */
const IAM_MAX_KEY_SECONDS = 86_400;
/** Maximum lifetime an agency allows (STS AssumeAgencyWithOIDC): 12 hours. */
const STS_MAX_KEY_SECONDS = 43_200;
/** An agency's default maximum session: 1 hour. */
const STS_DEFAULT_KEY_SECONDS = 3_600;

/** Resolves endpoints, signs in, and finds the owner's project ID. */
export async function openSession(
  inputs: ActionInputs,
  options: SessionOptions,
): Promise<Session> {
  const { logger } = options;
  const method = chooseSignInMethod(
    inputs.credentials,
    options.env,
    core.setSecret,
  );
  const endpoints = resolveEndpoints(
    inputs.cloud,
    inputs.region,
    {
      ims: inputs.imsEndpoint,
      iam: inputs.iamEndpoint,
      sts: inputs.stsEndpoint,
    },
    logger,
  );
  logger.info(
    `Cloud ${endpoints.cloud.name}, region ${inputs.region}: IMS ${endpoints.ims.origin}, IAM ${endpoints.iam.origin}.`,
  );
  const signIn = await signInWith(method, inputs, endpoints, options);
  logger.info(`Credentials: ${signIn.description}.`);
  const http = createClient(inputs, options, authorizerFor(signIn.credentials));
  const configured = options.useConfiguredProject ?? true;
  const projectId =
    inputs.projectId ??
    (configured ? projectFromEnvironment(options) : undefined) ??
    signIn.projectId ??
    (await lookUpProject(inputs, endpoints, http, options));
  return {
    endpoints,
    projectId,
    http,
    ims: new ImsClient(http, endpoints.ims, projectId),
  };
}

interface SignInResult {
  credentials: Credentials;
  description: string;
  projectId?: string | undefined;
}

async function signInWith(
  method: SignInMethod,
  inputs: ActionInputs,
  endpoints: Endpoints,
  options: SessionOptions,
): Promise<SignInResult> {
  if (method.kind === 'credentials') {
    return {
      credentials: method.credentials,
      description: describe(method.credentials),
    };
  }
  const http = createClient(inputs, options, () => ({}));
  try {
    if (method.kind === 'password') {
      return await signInWithPassword(method, inputs, endpoints, http, options);
    }
    if (method.kind === 'oidc-sts' && endpoints.sts === undefined) {
      throw noStsEndpoint(endpoints);
    }
    const idToken = await requestIdToken(method.audience, inputs, options);
    const keys =
      method.kind === 'oidc-iam'
        ? await keysFromIdentityProvider(
            method.identityProvider,
            idToken,
            inputs,
            endpoints,
            http,
            options,
          )
        : await keysFromAgency(
            method.providerUrn,
            method.agencyUrn,
            idToken,
            inputs,
            endpoints,
            http,
            options,
          );
    for (const secret of [keys.accessKey, keys.secretKey, keys.securityToken])
      core.setSecret(secret);
    const route =
      method.kind === 'oidc-iam'
        ? `identity provider ${method.identityProvider} (IAM)`
        : `agency ${method.agencyUrn} (STS)`;
    return {
      credentials: {
        kind: 'aksk',
        accessKey: keys.accessKey,
        secretKey: keys.secretKey,
        securityToken: keys.securityToken,
        source: `GitHub OIDC through ${route}`,
      },
      description: `temporary access key from GitHub OIDC through ${route}, expiring ${keys.expiresAt ?? 'at an unknown time'}`,
    };
  } finally {
    await http.close();
  }
}

async function signInWithPassword(
  method: Extract<SignInMethod, { kind: 'password' }>,
  inputs: ActionInputs,
  endpoints: Endpoints,
  http: HttpClient,
  options: SessionOptions,
): Promise<SignInResult> {
  const scope = inputs.projectId
    ? { id: inputs.projectId }
    : { name: inputs.region };
  const result = await createPasswordToken(
    http,
    endpoints.iam,
    {
      name: method.userName,
      password: method.password,
      domainName: method.domainName,
    },
    scope,
    options.signal,
  );
  core.setSecret(result.token);
  return {
    credentials: {
      kind: 'token',
      token: result.token,
      source: `IAM user ${method.userName}`,
    },
    description: `IAM token of user ${method.userName} in account ${method.domainName}`,
    projectId: result.projectId?.toLowerCase(),
  };
}

/** Requests the GitHub ID token, with a clear error when the job may not. */
async function requestIdToken(
  audience: string,
  inputs: ActionInputs,
  options: SessionOptions,
): Promise<string> {
  const requestUrl = options.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = options.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!requestUrl || !requestToken) {
    throw new InputError(
      Inputs.IdentityProvider,
      'GitHub OIDC sign-in needs an ID token, but this job cannot request one: ' +
        'ACTIONS_ID_TOKEN_REQUEST_URL is not set. Add "permissions: id-token: write" to the job ' +
        '(and to the calling workflow for a reusable workflow).',
    );
  }
  core.setSecret(requestToken);
  const runner = createClient(inputs, options, () => ({
    Authorization: `Bearer ${requestToken}`,
  }));
  let token: string;
  try {
    token = await requestGitHubIdToken(
      runner,
      requestUrl,
      audience,
      options.signal,
    );
  } finally {
    await runner.close();
  }
  core.setSecret(token);
  options.logger.info(
    `Requested a GitHub ID token for audience "${audience}".`,
  );
  return token;
}

async function keysFromIdentityProvider(
  identityProvider: string,
  idToken: string,
  inputs: ActionInputs,
  endpoints: Endpoints,
  http: HttpClient,
  options: SessionOptions,
): Promise<TemporaryKeys> {
  const token = await createTokenWithIdToken(
    http,
    endpoints.iam,
    identityProvider,
    idToken,
    options.signal,
  );
  core.setSecret(token);
  const duration = keyDurationSeconds(inputs.timeoutMs, IAM_MAX_KEY_SECONDS);
  return createTemporaryKeys(
    http,
    endpoints.iam,
    token,
    duration,
    options.signal,
  );
}

async function keysFromAgency(
  providerUrn: string,
  agencyUrn: string,
  idToken: string,
  inputs: ActionInputs,
  endpoints: Endpoints,
  http: HttpClient,
  options: SessionOptions,
): Promise<TemporaryKeys> {
  if (endpoints.sts === undefined) throw noStsEndpoint(endpoints);
  const sts = endpoints.sts;
  const assume = (durationSeconds: number): Promise<TemporaryKeys> =>
    assumeAgencyWithOidc(
      http,
      sts,
      {
        providerUrn,
        agencyUrn,
        sessionName: buildSessionName(options.env),
        idToken,
        durationSeconds,
      },
      options.signal,
    );
  const requested = keyDurationSeconds(inputs.timeoutMs, STS_MAX_KEY_SECONDS);
  try {
    return await assume(requested);
  } catch (error) {
    // An agency's maximum session lasts 1 to 12 hours and cannot be read
    // before assuming it; 1 hour is the default, so fall back to it once.
    if (!(
      error instanceof ApiError &&
      error.status === 400 &&
      requested > STS_DEFAULT_KEY_SECONDS
    )) {
      throw error;
    }
    options.logger.warning(
      `STS rejected temporary keys for ${requested} s (${error.serviceMessage ?? error.message}); ` +
        `asking for ${STS_DEFAULT_KEY_SECONDS} s. Keys may expire before the timeout: raise the agency's maximum session duration.`,
    );
    return assume(STS_DEFAULT_KEY_SECONDS);
  }
}

function noStsEndpoint(endpoints: Endpoints): InputError {
  return new InputError(
    Inputs.Agency,
    `Cloud ${endpoints.cloud.name} documents no STS endpoint for the agency route. ` +
      `Set ${Inputs.StsEndpoint}, or sign in through an IAM identity provider (${Inputs.IdentityProvider} without ${Inputs.Agency}).`,
  );
}

function createClient(
  inputs: ActionInputs,
  options: SessionOptions,
  authorize: Authorizer,
): HttpClient {
  return new HttpClient({
    authorize,
    requestTimeoutMs: inputs.requestTimeoutMs,
    maxInFlight: inputs.concurrency,
    retry: { maxAttempts: inputs.retryMaxAttempts },
    clock: options.clock,
    sleep: options.sleep,
    logger: options.logger,
    userAgent: options.userAgent,
    deadline: options.deadline,
  });
}

function authorizerFor(credentials: Credentials): Authorizer {
  if (credentials.kind === 'token')
    return createTokenAuthorizer(credentials.token);
  return createAkSkAuthorizer({
    accessKey: credentials.accessKey,
    secretKey: credentials.secretKey,
    ...(credentials.securityToken
      ? { securityToken: credentials.securityToken }
      : {}),
  });
}

function describe(credentials: Credentials): string {
  const kind =
    credentials.kind === 'token'
      ? 'IAM token'
      : credentials.securityToken
        ? 'temporary access key'
        : 'access key';
  return `${kind} from ${credentials.source}`;
}

function projectFromEnvironment(options: SessionOptions): string | undefined {
  const fromEnv = projectIdFromEnvironment(options.env);
  if (!fromEnv) return undefined;
  options.logger.info(`Project ID from ${fromEnv.variable}.`);
  return parseProjectIds(fromEnv.variable, [fromEnv.projectId])[0];
}

async function lookUpProject(
  inputs: ActionInputs,
  endpoints: Endpoints,
  http: HttpClient,
  options: SessionOptions,
): Promise<string> {
  const iam = new IamClient(http, endpoints.iam);
  // Only the `region` input's region reads `project-id`; a region of
  // `regions` takes its own from the `project-id` key of its entry.
  const configured = options.useConfiguredProject ?? true;
  const projectId = await iam.findProjectId(
    inputs.region,
    options.signal,
    configured ? Inputs.ProjectId : Inputs.Regions,
    configured
      ? `input ${Inputs.ProjectId}`
      : `the project-id key of ${inputs.region} in input ${Inputs.Regions}`,
  );
  options.logger.info(`Project ID of ${inputs.region} from IAM: ${projectId}.`);
  return projectId;
}
