/**
 * IAM and STS calls that exchange a sign-in for credentials: an IAM
 * password token, and temporary access keys from a GitHub OIDC ID token.
 * These requests carry no signature; their own headers authenticate them.
 */

import { Headers } from '../constants.js';
import type { Transport } from './transport.js';

export interface TemporaryKeys {
  accessKey: string;
  secretKey: string;
  securityToken: string;
  /** Expiry as the service reports it. */
  expiresAt: string | undefined;
}

export interface PasswordToken {
  token: string;
  /** The project of the token's scope, when IAM names it. */
  projectId: string | undefined;
}

interface CredentialResponse {
  credential?: {
    access?: string;
    secret?: string;
    securitytoken?: string;
    expires_at?: string;
  };
}

interface AssumeResponse {
  credentials?: {
    access_key_id?: string;
    secret_access_key?: string;
    security_token?: string;
    expiration?: string;
  };
}

interface TokenResponse {
  token?: { project?: { id?: string } };
}

function endpointUrl(endpoint: URL, path: string): URL {
  const base = endpoint.pathname.replace(/\/$/, '');
  return new URL(`${base}${path}`, endpoint);
}

/**
 * Signs in with an IAM user's password (`POST /v3/auth/tokens`), scoped to
 * a project given by ID or by name (the region), and returns the token from
 * `X-Subject-Token`.
 */
export async function createPasswordToken(
  transport: Transport,
  iam: URL,
  user: { name: string; password: string; domainName: string },
  scope: { id: string } | { name: string },
  signal: AbortSignal,
): Promise<PasswordToken> {
  const response = await transport.send<TokenResponse>(
    {
      method: 'POST',
      url: endpointUrl(iam, '/v3/auth/tokens'),
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: {
                name: user.name,
                password: user.password,
                domain: { name: user.domainName },
              },
            },
          },
          scope: { project: scope },
        },
      },
      operation: `sign in to IAM as user ${user.name}`,
      idempotent: true,
    },
    signal,
  );
  return {
    token: subjectToken(response.headers, 'IAM password sign-in'),
    projectId: response.body?.token?.project?.id,
  };
}

/**
 * Exchanges a GitHub ID token for an unscoped IAM token through an identity
 * provider (`POST /v3.0/OS-AUTH/id-token/tokens` with `X-Idp-Id`).
 */
export async function createTokenWithIdToken(
  transport: Transport,
  iam: URL,
  identityProvider: string,
  idToken: string,
  signal: AbortSignal,
): Promise<string> {
  const response = await transport.send(
    {
      method: 'POST',
      url: endpointUrl(iam, '/v3.0/OS-AUTH/id-token/tokens'),
      headers: { 'X-Idp-Id': identityProvider },
      body: { auth: { id_token: { id: idToken } } },
      operation: `sign in with the GitHub ID token through identity provider ${identityProvider}`,
      idempotent: true,
    },
    signal,
  );
  return subjectToken(response.headers, 'IAM ID-token sign-in');
}

/**
 * Requests temporary access keys for an IAM token
 * (`POST /v3.0/OS-CREDENTIAL/securitytokens`), valid `durationSeconds`.
 */
export async function createTemporaryKeys(
  transport: Transport,
  iam: URL,
  token: string,
  durationSeconds: number,
  signal: AbortSignal,
): Promise<TemporaryKeys> {
  const response = await transport.send<CredentialResponse>(
    {
      method: 'POST',
      url: endpointUrl(iam, '/v3.0/OS-CREDENTIAL/securitytokens'),
      headers: { [Headers.AuthToken]: token },
      body: {
        auth: {
          identity: {
            methods: ['token'],
            token: { duration_seconds: durationSeconds },
          },
        },
      },
      operation: 'obtain temporary access keys from IAM',
      idempotent: true,
    },
    signal,
  );
  const credential = response.body?.credential;
  return requireKeys(
    credential?.access,
    credential?.secret,
    credential?.securitytoken,
    credential?.expires_at,
    'IAM',
  );
}

/**
 * Assumes an agency with a GitHub ID token (STS
 * `POST /v5/agencies/assume-with-oidc`) and returns its temporary keys.
 */
export async function assumeAgencyWithOidc(
  transport: Transport,
  sts: URL,
  request: {
    providerUrn: string;
    agencyUrn: string;
    sessionName: string;
    idToken: string;
    durationSeconds: number;
  },
  signal: AbortSignal,
): Promise<TemporaryKeys> {
  const response = await transport.send<AssumeResponse>(
    {
      method: 'POST',
      url: endpointUrl(sts, '/v5/agencies/assume-with-oidc'),
      body: {
        provider_urn: request.providerUrn,
        agency_urn: request.agencyUrn,
        agency_session_name: request.sessionName,
        id_token: request.idToken,
        duration_seconds: request.durationSeconds,
      },
      operation: `assume agency ${request.agencyUrn} with the GitHub ID token`,
      idempotent: true,
    },
    signal,
  );
  const credentials = response.body?.credentials;
  return requireKeys(
    credentials?.access_key_id,
    credentials?.secret_access_key,
    credentials?.security_token,
    credentials?.expiration,
    'STS',
  );
}

function subjectToken(headers: Record<string, string>, what: string): string {
  const token = headers[Headers.SubjectToken];
  if (!token) {
    throw new Error(
      `${what} succeeded but the response has no X-Subject-Token header.`,
    );
  }
  return token;
}

function requireKeys(
  accessKey: string | undefined,
  secretKey: string | undefined,
  securityToken: string | undefined,
  expiresAt: string | undefined,
  service: string,
): TemporaryKeys {
  if (!accessKey || !secretKey || !securityToken) {
    throw new Error(
      `${service} returned no complete temporary key (access key, secret key and security token are all required).`,
    );
  }
  return { accessKey, secretKey, securityToken, expiresAt };
}
