import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js';
import type { ICredential } from '@huaweicloud/huaweicloud-sdk-core/auth/ICredential.js';
import type { IHttpRequest } from '@huaweicloud/huaweicloud-sdk-core/http/IHttpRequest.js';
import { createRequire } from 'node:module';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createAkSkAuthorizer,
  createTokenAuthorizer,
  type AkSkCredentials,
} from '../src/auth/signer.js';
import { realSleep, type Clock, type Sleep } from '../src/clock.js';
import { ApiError, CancelledError, NetworkError } from '../src/errors.js';
import {
  HttpClient,
  encodeQueryForWire,
  isLoopbackHost,
  parseErrorBody,
  redactSecrets,
  type HttpClientOptions,
} from '../src/http/client.js';
import type { Logger } from '../src/logger.js';
import type { ApiRequest } from '../src/http/types.js';

// The CommonJS `dns` module object, whose `lookup` the `net` module calls.
const dns = createRequire(import.meta.url)(
  'node:dns',
) as typeof import('node:dns');

const CREDENTIALS: AkSkCredentials = {
  accessKey: 'TESTACCESSKEY0000001',
  secretKey: 'test-secret-key-0000000000000000000000001',
  securityToken: 'test-security-token-abcdefghijklmnop',
};

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type Handler = (
  request: IncomingMessage,
  response: ServerResponse,
  received: ReceivedRequest,
) => void;

/** HTTP server on 127.0.0.1 that responds with queued handlers, repeating the last one. */
class TestServer {
  readonly received: ReceivedRequest[] = [];
  private readonly server: Server;
  private handlers: Handler[] = [];

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received: ReceivedRequest = {
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks),
        };
        this.received.push(received);
        const handler =
          this.handlers.length > 1 ? this.handlers.shift() : this.handlers[0];
        handler?.(request, response, received);
      });
    });
  }

  respondWith(...handlers: Handler[]): void {
    this.handlers = handlers;
  }

  async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', resolve);
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Passes a socket accepted elsewhere (by the test proxy) to this server. */
  acceptSocket(socket: Socket): void {
    this.server.emit('connection', socket);
  }
}

function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Handler {
  return (_request, response) => {
    response.writeHead(status, {
      'content-type': 'application/json',
      ...headers,
    });
    response.end(JSON.stringify(body));
  };
}

/** Clock that moves only when the fake sleep waits, by at least 1 s so that each retry gets a new X-Sdk-Date. */
class FakeTime {
  now = Date.parse('2024-06-01T12:00:00Z');
  readonly sleeps: number[] = [];
  readonly clock: Clock = { now: () => this.now };
  onSleep: (() => Promise<void>) | undefined;
  readonly sleep: Sleep = async (ms) => {
    this.sleeps.push(ms);
    this.now += Math.max(ms, 1_000);
    await this.onSleep?.();
  };
}

class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  debug(message: string): void {
    this.lines.push(`debug: ${message}`);
  }
  info(message: string): void {
    this.lines.push(`info: ${message}`);
  }
  warning(message: string): void {
    this.lines.push(`warning: ${message}`);
  }
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject');
}

let server: TestServer;
let baseUrl: string;
let time: FakeTime;
let logger: RecordingLogger;
let clients: HttpClient[];

beforeEach(async () => {
  server = new TestServer();
  baseUrl = await server.listen();
  time = new FakeTime();
  logger = new RecordingLogger();
  clients = [];
});

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await server.close();
  vi.unstubAllEnvs();
});

function makeClient(options: Partial<HttpClientOptions> = {}): HttpClient {
  const client = new HttpClient({
    authorize: createAkSkAuthorizer(CREDENTIALS),
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    logger,
    ...options,
  });
  clients.push(client);
  return client;
}

function apiRequest(overrides: Partial<ApiRequest> = {}): ApiRequest {
  return {
    method: 'GET',
    url: new URL(`${baseUrl}/v1/cloudimages/job/0123`),
    operation: 'query job 0123',
    idempotent: true,
    ...overrides,
  };
}

const never = new AbortController().signal;

describe('HttpClient exchange', () => {
  it('round-trips JSON request and response', async () => {
    server.respondWith(json(200, { job_id: 'abc' }, { 'X-Request-Id': 'r-1' }));
    const client = makeClient();
    const body = { images: ['i-1'], projects: ['p-é'] };
    const response = await client.send<{ job_id: string }>(
      apiRequest({
        method: 'POST',
        url: new URL(`${baseUrl}/v1/cloudimages/members`),
        headers: { 'X-Project-Id': 'project-1' },
        body,
        idempotent: false,
      }),
      never,
    );

    expect(response.status).toBe(200);
    expect(response.body.job_id).toBe('abc');
    expect(response.requestId).toBe('r-1');
    expect(response.headers['content-type']).toBe('application/json');
    const [received] = server.received;
    expect(received?.body.toString('utf8')).toBe(JSON.stringify(body));
    expect(received?.headers['content-type']).toBe('application/json');
    expect(received?.headers['x-project-id']).toBe('project-1');
    expect(received?.headers['x-security-token']).toBe(
      CREDENTIALS.securityToken,
    );
    expect(received?.headers['user-agent']).toBe('ims-share-images-action');
  });

  it('sends signature that SDK accepts', async () => {
    server.respondWith(json(200, {}));
    const client = makeClient();
    const url = new URL(`${baseUrl}/v3/projects`);
    url.searchParams.append('name', 'a b+c');
    await client.send(
      apiRequest({
        method: 'POST',
        url,
        headers: { 'X-Project-Id': 'project-1' },
        body: { k: 'välue' },
      }),
      never,
    );

    const [received] = server.received;
    if (received === undefined) throw new Error('No request received');
    const authorization = String(received.headers['authorization']);
    const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)?.[1];
    const sdkHeaders: Record<string, string> = {};
    for (const name of signedNames?.split(';') ?? []) {
      const key = name === 'x-sdk-date' ? 'X-Sdk-Date' : name;
      sdkHeaders[key] = String(received.headers[name]);
    }
    const wireUrl = new URL(received.url, baseUrl);
    const expected = AKSKSigner.sign(
      {
        method: received.method,
        endpoint: baseUrl + wireUrl.pathname,
        queryParams: Object.fromEntries(wireUrl.searchParams),
        headers: sdkHeaders,
        data: JSON.parse(received.body.toString('utf8')),
      } as unknown as IHttpRequest,
      {
        getAk: () => CREDENTIALS.accessKey,
        getSk: () => CREDENTIALS.secretKey,
      } as unknown as ICredential,
    ) as Record<string, string>;
    expect(signedNames).toBe(
      'content-type;host;x-project-id;x-sdk-date;x-security-token',
    );
    expect(wireUrl.search).toBe('?name=a%20b%2Bc');
    expect(authorization).toBe(expected['Authorization']);
  });

  it('sends token authorizer header', async () => {
    server.respondWith(json(200, {}));
    const client = makeClient({ authorize: createTokenAuthorizer('tok-123') });
    await client.send(apiRequest(), never);
    expect(server.received[0]?.headers['x-auth-token']).toBe('tok-123');
    expect(server.received[0]?.headers['authorization']).toBeUndefined();
  });

  it('returns undefined for empty body', async () => {
    server.respondWith((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    const response = await makeClient().send(apiRequest(), never);
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
  });

  it('logs one debug line per attempt', async () => {
    server.respondWith(json(200, {}, { 'X-Request-Id': 'r-9' }));
    await makeClient().send(apiRequest(), never);
    expect(logger.lines).toEqual([
      'debug: GET /v1/cloudimages/job/0123: HTTP 200, request ID r-9, 0 ms',
    ]);
  });
});

describe('HttpClient retries', () => {
  it('signs each retry with fresh date', async () => {
    server.respondWith(json(503, {}), json(200, {}));
    await makeClient().send(apiRequest(), never);

    const dates = server.received.map((r) => r.headers['x-sdk-date']);
    const signatures = server.received.map((r) => r.headers['authorization']);
    expect(dates).toEqual(['20240601T120000Z', '20240601T120001Z']);
    expect(signatures[0]).not.toBe(signatures[1]);
  });

  it('honours Retry-After seconds on 429', async () => {
    server.respondWith(
      json(
        429,
        { error_code: 'APIGW.0308', error_msg: 'throttled' },
        { 'Retry-After': '2' },
      ),
      json(200, { ok: true }),
    );
    const response = await makeClient().send(apiRequest(), never);

    expect(response.body).toEqual({ ok: true });
    expect(time.sleeps).toEqual([2_000]);
    expect(logger.lines).toContain(
      'info: Retrying query job 0123 (attempt 2 of 5) in 2 s: HTTP 429 APIGW.0308',
    );
  });

  it('retries IMG.0060 sent as 400', async () => {
    server.respondWith(
      json(400, { error: { code: 'IMG.0060', message: 'flow control' } }),
      json(200, { job_id: 'j' }),
    );
    const response = await makeClient().send(
      apiRequest({ method: 'POST', body: {}, idempotent: false }),
      never,
    );
    expect(response.body).toEqual({ job_id: 'j' });
    expect(server.received).toHaveLength(2);
    expect(time.sleeps).toEqual([500]);
  });

  it('does not retry 401', async () => {
    server.respondWith(
      json(
        401,
        { error_code: 'APIGW.0301', error_msg: 'verify aksk signature fail' },
        { 'X-Request-Id': 'r-401' },
      ),
    );
    const error = await rejectionOf(makeClient().send(apiRequest(), never));

    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(server.received).toHaveLength(1);
    expect(apiError.status).toBe(401);
    expect(apiError.code).toBe('APIGW.0301');
    expect(apiError.requestId).toBe('r-401');
    expect(apiError.message).toBe(
      'Failed to query job 0123 (GET /v1/cloudimages/job/0123): HTTP 401 APIGW.0301: verify aksk signature fail (request ID r-401). The signature did not match: check that the secret key belongs to the access key (and the security token to temporary keys).',
    );
  });

  it('stops at the attempt bound', async () => {
    server.respondWith(json(503, { error_msg: 'busy' }));
    const client = makeClient({ retry: { maxAttempts: 3 } });
    const error = await rejectionOf(client.send(apiRequest(), never));

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect(server.received).toHaveLength(3);
    expect(time.sleeps).toEqual([500, 1_000]);
    expect(logger.lines).toContain(
      'info: Giving up on query job 0123 after 3 attempts: HTTP 503',
    );
  });

  it('backs off with jitter without Retry-After', async () => {
    server.respondWith(json(502, {}), json(502, {}), json(200, {}));
    const client = makeClient({
      random: () => 0.25,
      retry: { baseDelayMs: 400 },
    });
    await client.send(apiRequest(), never);
    expect(time.sleeps).toEqual([100, 200]);
  });
});

describe('HttpClient non-idempotent requests', () => {
  const submit = (): ApiRequest =>
    apiRequest({
      method: 'POST',
      url: new URL(`${baseUrl}/v1/cloudimages/members`),
      operation: 'share 1 image with 1 project',
      body: { images: ['i'], projects: ['p'] },
      idempotent: false,
    });

  const destroyMidResponse: Handler = (request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': '100',
    });
    response.write('{"job_id":', () => request.socket.destroy());
  };

  it('not resent after mid-response reset', async () => {
    server.respondWith(destroyMidResponse, json(200, { job_id: 'j' }));
    const error = await rejectionOf(makeClient().send(submit(), never));

    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).mayHaveReachedServer).toBe(true);
    expect((error as NetworkError).code).toBe('UND_ERR_SOCKET');
    expect(server.received).toHaveLength(1);
    expect(logger.lines).toContain(
      'info: Not retrying share 1 image with 1 project because the service may have acted on it: UND_ERR_SOCKET',
    );
  });

  it('idempotent request resent after reset', async () => {
    server.respondWith(destroyMidResponse, json(200, { job_id: 'j' }));
    const response = await makeClient().send(apiRequest(), never);
    expect(response.body).toEqual({ job_id: 'j' });
    expect(server.received).toHaveLength(2);
  });

  it('resent after 503', async () => {
    server.respondWith(json(503, {}), json(200, { job_id: 'j' }));
    const response = await makeClient().send(submit(), never);
    expect(response.body).toEqual({ job_id: 'j' });
    expect(server.received).toHaveLength(2);
  });

  it('502 leaves outcome unknown', async () => {
    server.respondWith(json(502, {}), json(200, { job_id: 'j' }));
    const error = await rejectionOf(makeClient().send(submit(), never));

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).outcomeUnknown).toBe(true);
    expect((error as ApiError).message).toMatch(
      /may have carried out the request/,
    );
    expect(server.received).toHaveLength(1);
  });

  it('resent after ECONNREFUSED', async () => {
    const port = Number(new URL(baseUrl).port);
    await server.close();
    const later = new TestServer();
    later.respondWith(json(200, { job_id: 'j' }));
    time.onSleep = async () => {
      if (later.received.length === 0) await later.listen(port);
    };
    try {
      const response = await makeClient().send(submit(), never);
      expect(response.body).toEqual({ job_id: 'j' });
      expect(later.received).toHaveLength(1);
      expect(logger.lines.some((line) => line.includes('ECONNREFUSED'))).toBe(
        true,
      );
    } finally {
      await later.close();
    }
  });

  it('refused error says not reached', async () => {
    await server.close();
    const client = makeClient({ retry: { maxAttempts: 1 } });
    const error = await rejectionOf(client.send(submit(), never));

    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe('ECONNREFUSED');
    expect((error as NetworkError).mayHaveReachedServer).toBe(false);
  });
});

describe('HttpClient limits and cancellation', () => {
  it('times out a slow server', async () => {
    server.respondWith(() => {});
    const client = makeClient({
      requestTimeoutMs: 150,
      retry: { maxAttempts: 2 },
    });
    const started = Date.now();
    const error = await rejectionOf(client.send(apiRequest(), never));

    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe('ERR_REQUEST_TIMEOUT');
    expect((error as NetworkError).message).toMatch(
      /no response within 0\.15 s \(timed out\)/,
    );
    expect(server.received).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('starts no retry that would end after the deadline', async () => {
    server.respondWith(
      json(429, { error_code: 'APIGW.0308' }, { 'Retry-After': '40' }),
      json(200, { ok: true }),
    );
    const client = makeClient({ deadline: time.now + 8_000 });
    const error = await rejectionOf(client.send(apiRequest(), never));

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).message).toContain('raise timeout to allow it');
    expect(server.received).toHaveLength(1);
    expect(time.sleeps).toEqual([]);
    expect(logger.lines).toContain(
      "info: Not retrying query job 0123 after HTTP 429 APIGW.0308: a wait of 40 s would end after the step's timeout.",
    );
  });

  it('retries when the wait ends before the deadline', async () => {
    server.respondWith(
      json(429, { error_code: 'APIGW.0308' }, { 'Retry-After': '2' }),
      json(200, { ok: true }),
    );
    const client = makeClient({ deadline: time.now + 8_000 });
    const response = await client.send(apiRequest(), never);

    expect(response.body).toEqual({ ok: true });
    expect(time.sleeps).toEqual([2_000]);
  });

  it('cuts the attempt time limit to the deadline', async () => {
    server.respondWith(() => {});
    const client = makeClient({
      requestTimeoutMs: 30_000,
      deadline: time.now + 300,
      minAttemptMs: 400,
      retry: { maxAttempts: 1 },
    });
    const started = Date.now();
    const error = await rejectionOf(client.send(apiRequest(), never));

    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toMatch(
      /no response within 0\.4 s \(timed out\)/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('cancels quickly during backoff', async () => {
    server.respondWith(json(429, {}, { 'Retry-After': '30' }));
    const controller = new AbortController();
    const client = makeClient({ sleep: realSleep });
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const error = await rejectionOf(
      client.send(apiRequest(), controller.signal),
    );

    expect(error).toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.received).toHaveLength(1);
  });

  it('cancels a request in flight', async () => {
    server.respondWith(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await rejectionOf(
      makeClient().send(apiRequest(), controller.signal),
    );
    expect(error).toBeInstanceOf(CancelledError);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects request timeout %s',
    (requestTimeoutMs) => {
      expect(() => makeClient({ requestTimeoutMs })).toThrow(RangeError);
    },
  );

  it('rejects an aborted signal at once', async () => {
    const error = await rejectionOf(
      makeClient().send(apiRequest(), AbortSignal.abort()),
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect(server.received).toHaveLength(0);
  });

  it('does not follow redirects', async () => {
    server.respondWith((_request, response) => {
      response.writeHead(302, { location: `${baseUrl}/elsewhere` });
      response.end();
    });
    const error = await rejectionOf(makeClient().send(apiRequest(), never));

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(302);
    expect((error as ApiError).message).toMatch(/Redirects are not followed/);
    expect(server.received.map((r) => r.url)).toEqual([
      '/v1/cloudimages/job/0123',
    ]);
  });

  it('rejects invalid JSON success body', async () => {
    server.respondWith((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>portal</html>');
    });
    const error = await rejectionOf(makeClient().send(apiRequest(), never));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toMatch(/not valid JSON/);
    expect(server.received).toHaveLength(1);
  });
});

describe('HttpClient error messages', () => {
  it('keeps secrets out of messages and logs', async () => {
    server.respondWith((request, response) => {
      const echoed = [
        'canonicalRequest: GET|/v1/|',
        `x-security-token:${String(request.headers['x-security-token'])}|`,
        `authorization:${String(request.headers['authorization'])}`,
      ].join('');
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ error_code: 'APIGW.0301', error_msg: echoed }),
      );
    });
    const error = await rejectionOf(makeClient().send(apiRequest(), never));
    const authorization = String(server.received[0]?.headers['authorization']);
    const signature = /Signature=(\w+)/.exec(authorization)?.[1] ?? 'missing';
    const texts = [
      (error as ApiError).message,
      (error as ApiError).serviceMessage ?? '',
      ...logger.lines,
    ].join('\n');

    expect(texts).toContain('[REDACTED]');
    expect(texts).not.toContain(CREDENTIALS.securityToken);
    expect(texts).not.toContain(CREDENTIALS.accessKey);
    expect(texts).not.toContain(CREDENTIALS.secretKey);
    expect(texts).not.toContain(signature);
  });

  it('hints at clock skew on 401', async () => {
    server.respondWith(
      json(401, {
        error_code: 'APIGW.0301',
        error_msg:
          'Incorrect IAM authentication information: x-sdk-date expired',
      }),
    );
    const error = await rejectionOf(makeClient().send(apiRequest(), never));
    expect((error as ApiError).message).toMatch(/clock may be off/);
  });

  it('hints at permission on 403', async () => {
    server.respondWith(
      json(403, { error: { code: 'IMG.0026', message: 'no permission' } }),
    );
    const error = await rejectionOf(makeClient().send(apiRequest(), never));
    expect((error as ApiError).code).toBe('IMG.0026');
    expect((error as ApiError).message).toMatch(/lacks a permission/);
  });

  it('hints at endpoint on 404', async () => {
    server.respondWith(
      json(404, { error_code: 'APIGW.0101', error_msg: 'API not found' }),
    );
    const error = await rejectionOf(makeClient().send(apiRequest(), never));
    expect((error as ApiError).message).toMatch(/Check the endpoint/);
  });

  it('keeps non-JSON error body as text', async () => {
    server.respondWith((_request, response) => {
      response.writeHead(400, { 'content-type': 'text/plain' });
      response.end('  bad\n request  ');
    });
    const error = await rejectionOf(makeClient().send(apiRequest(), never));
    expect((error as ApiError).serviceMessage).toBe('bad request');
    expect((error as ApiError).code).toBeUndefined();
  });

  it('reads request ID from body', async () => {
    server.respondWith(
      json(400, { error_code: 'APIGW.0201', request_id: 'body-id' }),
    );
    const error = await rejectionOf(makeClient().send(apiRequest(), never));
    expect((error as ApiError).requestId).toBe('body-id');
  });
});

describe('error body parsing', () => {
  it('parseErrorBody reads IMS shape', () => {
    const parsed = parseErrorBody({
      error: { code: 'IMG.0027', message: 'not found' },
    });
    expect(parsed.code).toBe('IMG.0027');
    expect(parsed.message).toBe('not found');
  });

  it('parseErrorBody reads gateway shape', () => {
    const parsed = parseErrorBody({
      error_code: 'APIGW.0308',
      error_msg: 'throttled',
      request_id: 'r',
    });
    expect(parsed.code).toBe('APIGW.0308');
    expect(parsed.message).toBe('throttled');
    expect(parsed.requestId).toBe('r');
  });

  it('parseErrorBody reads nested shape', () => {
    const parsed = parseErrorBody({
      itemNotFound: { code: 404, message: 'Image not found' },
    });
    expect(parsed.code).toBe('404');
    expect(parsed.message).toBe('Image not found');
  });

  it('parseErrorBody tolerates odd bodies', () => {
    expect(parseErrorBody(undefined).code).toBeUndefined();
    expect(parseErrorBody([1, 2]).message).toBeUndefined();
    expect(parseErrorBody({ error: 'plain' }).message).toBe('plain');
  });

  it('redactSecrets replaces every occurrence', () => {
    expect(redactSecrets('a SECRET b SECRET', ['SECRET'])).toBe(
      'a [REDACTED] b [REDACTED]',
    );
  });

  it('encodeQueryForWire uses percent-encoding', () => {
    const url = new URL('https://h/p?b=x+y&a=%2A~');
    expect(encodeQueryForWire(url).search).toBe('?b=x%20y&a=%2A~');
  });
});

describe('HttpClient proxy selection', () => {
  let proxy: Server;
  let proxyUrl: string;
  let connectTargets: string[];
  let tunnels: Socket[];
  let lookups: string[];
  const originalLookup = dns.lookup;

  beforeEach(async () => {
    connectTargets = [];
    tunnels = [];
    lookups = [];
    // Fails every lookup of a `.invalid` name without asking a resolver, and
    // records it, so a request that skipped the proxy shows up in `lookups`.
    dns.lookup = ((hostname: string, ...rest: unknown[]) => {
      if (!hostname.endsWith('.invalid')) {
        return (originalLookup as (...args: unknown[]) => unknown)(
          hostname,
          ...rest,
        );
      }
      lookups.push(hostname);
      const callback = rest.at(-1) as (error: Error) => void;
      const error = Object.assign(
        new Error(`getaddrinfo ENOTFOUND ${hostname}`),
        {
          code: 'ENOTFOUND',
        },
      );
      process.nextTick(() => callback(error));
      return undefined;
    }) as typeof dns.lookup;
    // A CONNECT proxy that never dials out: it hands each tunnel to the
    // local test server, so no traffic leaves the loopback interface.
    proxy = createServer((_request, response) => {
      response.writeHead(502);
      response.end();
    });
    proxy.on('connect', (request: IncomingMessage, socket) => {
      connectTargets.push(request.url ?? '');
      tunnels.push(socket as Socket);
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n', () => {
        server.acceptSocket(socket as Socket);
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const socket of tunnels) socket.destroy();
    proxy.closeAllConnections();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    dns.lookup = originalLookup;
  });

  function stubProxyEnv(): void {
    for (const name of ['http_proxy', 'HTTP_PROXY']) {
      vi.stubEnv(name, proxyUrl);
    }
    for (const name of ['https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY']) {
      vi.stubEnv(name, '');
    }
  }

  it('routes other hosts through HTTP_PROXY', async () => {
    stubProxyEnv();
    server.respondWith(json(200, { via: 'proxy' }));
    // `.invalid` names never resolve (RFC 6761), and the test proxy responds
    // without dialling out, so the request cannot leave the loopback interface.
    const response = await makeClient().send(
      apiRequest({ url: new URL('http://ims.example.invalid/v1/x') }),
      never,
    );

    expect(response.body).toEqual({ via: 'proxy' });
    expect(connectTargets).toEqual(['ims.example.invalid:80']);
    expect(server.received[0]?.headers['host']).toBe('ims.example.invalid');
    expect(lookups).toEqual([]);
  });

  it('sends NO_PROXY hosts directly', async () => {
    stubProxyEnv();
    vi.stubEnv('no_proxy', 'example.invalid');
    const client = makeClient({ retry: { maxAttempts: 1 } });
    const error = await rejectionOf(
      client.send(
        apiRequest({ url: new URL('http://ims.example.invalid/v1/x') }),
        never,
      ),
    );

    expect((error as NetworkError).code).toBe('ENOTFOUND');
    expect(lookups).toEqual(['ims.example.invalid']);
    expect(connectTargets).toEqual([]);
  });

  it('bypasses proxy for loopback hosts', async () => {
    stubProxyEnv();
    server.respondWith(json(200, {}));
    await makeClient().send(apiRequest(), never);
    expect(connectTargets).toEqual([]);
    expect(server.received).toHaveLength(1);
  });

  it.each([
    ['localhost', true],
    ['api.localhost', true],
    ['127.0.0.1', true],
    ['127.9.8.7', true],
    ['[::1]', true],
    ['128.0.0.1', false],
    ['ims.example.com', false],
    ['localhost.example.com', false],
  ])('isLoopbackHost(%s) is %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
