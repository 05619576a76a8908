/**
 * Turns validated inputs into a connected session: endpoints, credentials,
 * the HTTP client, the owner's project ID and the IMS client.
 */

import * as core from '@actions/core';

import { createAkSkAuthorizer, createTokenAuthorizer } from './auth/signer.js';
import {
  projectIdFromEnvironment,
  resolveCredentials,
  type Credentials,
} from './auth/credentials.js';
import type { Clock, Sleep } from './clock.js';
import { resolveEndpoints, type Endpoints } from './cloud/endpoints.js';
import { IamClient } from './cloud/iam.js';
import { ImsClient } from './cloud/ims.js';
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
}

/** Resolves endpoints and credentials, and finds the owner's project ID. */
export async function openSession(
  inputs: ActionInputs,
  options: SessionOptions,
): Promise<Session> {
  const { logger } = options;
  const credentials = resolveCredentials(
    inputs.credentials,
    options.env,
    core.setSecret,
  );
  logger.info(`Credentials: ${describeCredentials(credentials)}.`);
  const endpoints = resolveEndpoints(
    inputs.cloud,
    inputs.region,
    { ims: inputs.imsEndpoint, iam: inputs.iamEndpoint },
    logger,
  );
  logger.info(
    `Cloud ${endpoints.cloud.name}, region ${inputs.region}: IMS ${endpoints.ims.origin}, IAM ${endpoints.iam.origin}.`,
  );
  const http = new HttpClient({
    authorize: createAuthorizer(credentials),
    requestTimeoutMs: inputs.requestTimeoutMs,
    retry: { maxAttempts: inputs.retryMaxAttempts },
    clock: options.clock,
    sleep: options.sleep,
    logger,
    userAgent: options.userAgent,
  });
  const projectId = await findProjectId(inputs, endpoints, http, options);
  return {
    endpoints,
    projectId,
    http,
    ims: new ImsClient(http, endpoints.ims, projectId),
  };
}

function createAuthorizer(credentials: Credentials): Authorizer {
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

function describeCredentials(credentials: Credentials): string {
  const kind =
    credentials.kind === 'token'
      ? 'IAM token'
      : credentials.securityToken
        ? 'temporary access key'
        : 'access key';
  return `${kind} from ${credentials.source}`;
}

async function findProjectId(
  inputs: ActionInputs,
  endpoints: Endpoints,
  http: HttpClient,
  options: SessionOptions,
): Promise<string> {
  if (inputs.projectId) return inputs.projectId;
  const fromEnv = projectIdFromEnvironment(options.env);
  if (fromEnv) {
    options.logger.info(`Project ID from ${fromEnv.variable}.`);
    return parseProjectIds(fromEnv.variable, [fromEnv.projectId])[0] as string;
  }
  const iam = new IamClient(http, endpoints.iam);
  const projectId = await iam.findProjectId(inputs.region, options.signal);
  options.logger.info(`Project ID of ${inputs.region} from IAM: ${projectId}.`);
  return projectId;
}
