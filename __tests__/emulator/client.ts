/**
 * Test client that signs with the official Huawei Cloud Node SDK signer
 * (`@huaweicloud/huaweicloud-sdk-core` `AKSKSigner`) and sends the request
 * over real HTTP with `node:http`, so the emulator's verifier is checked
 * against independent code.
 */
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** Credentials of a test caller. */
export interface TestCredentials {
  ak: string;
  sk: string;
  securityToken?: string;
  projectId?: string;
}

/** Request to sign and send. */
export interface TestRequest {
  method: string;
  /** Path as sent on the wire (already percent-encoded). */
  path: string;
  query?: Record<string, string | string[]>;
  body?: unknown;
  headers?: Record<string, string>;
  /** `X-Sdk-Date` to sign with; the SDK uses the real time when absent. */
  sdkDate?: string;
}

/** Response of the emulator. */
export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

/** Signs a request with the SDK signer and returns the headers to send. */
export function signHeaders(
  baseUrl: string,
  credentials: TestCredentials,
  request: TestRequest,
): Record<string, string> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined) {
    headers['content-type'] ??= 'application/json';
  }
  if (credentials.projectId !== undefined) {
    headers['X-Project-Id'] = credentials.projectId;
  }
  if (credentials.securityToken !== undefined) {
    headers['X-Security-Token'] = credentials.securityToken;
  }
  if (request.sdkDate !== undefined) {
    headers['X-Sdk-Date'] = request.sdkDate;
  }
  const signed = AKSKSigner.sign(
    {
      method: request.method,
      endpoint: `${baseUrl}${request.path}`,
      queryParams: request.query ?? {},
      headers,
      data: request.body,
    } as never,
    { getAk: () => credentials.ak, getSk: () => credentials.sk } as never,
  );
  return signed as Record<string, string>;
}

/** Builds the query string sent on the wire, one pair per value. */
export function wireQuery(
  query: Record<string, string | string[]> = {},
): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(item)}`);
    }
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** Sends raw bytes with the given headers; no signing. */
export function send(
  baseUrl: string,
  method: string,
  pathAndQuery: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<TestResponse> {
  const url = new URL(baseUrl);
  const allHeaders: Record<string, string> = { ...headers };
  if (body !== undefined) {
    allHeaders['Content-Length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: pathAndQuery,
        headers: allHeaders,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            // Not JSON: callers read `text`.
          }
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text,
            json,
          });
        });
      },
    );
    outgoing.setTimeout(10_000, () =>
      outgoing.destroy(new Error('request timed out')),
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Signs with the SDK signer and sends the request. */
export function signedRequest(
  baseUrl: string,
  credentials: TestCredentials,
  request: TestRequest,
): Promise<TestResponse> {
  const headers = signHeaders(baseUrl, credentials, request);
  const body =
    request.body === undefined ? undefined : JSON.stringify(request.body);
  return send(
    baseUrl,
    request.method,
    `${request.path}${wireQuery(request.query)}`,
    headers,
    body,
  );
}

/** Sends a request authenticated by an IAM token. */
export function tokenRequest(
  baseUrl: string,
  token: string,
  request: Omit<TestRequest, 'sdkDate'>,
): Promise<TestResponse> {
  const headers: Record<string, string> = {
    ...request.headers,
    'X-Auth-Token': token,
  };
  if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const body =
    request.body === undefined ? undefined : JSON.stringify(request.body);
  return send(
    baseUrl,
    request.method,
    `${request.path}${wireQuery(request.query)}`,
    headers,
    body,
  );
}
