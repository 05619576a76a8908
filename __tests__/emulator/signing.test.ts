import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  percentEncode,
  sdkDate,
  sha256Hex,
  signature,
  startEmulator,
  stringToSign,
  type Emulator,
} from '../../emulator/index.js';
import {
  send,
  signHeaders,
  wireQuery,
  type TestCredentials,
} from './client.js';
import { OWNER, OWNER_PROJECT, OWNER_TEMP, testState } from './fixtures.js';

// Sample key pair of the Huawei API signing guide.
const DOC_SK = 'MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc';

describe('signing canonical functions', () => {
  it('matches signing guide GET vector', () => {
    const headers = new Map([
      ['content-type', 'application/json'],
      ['host', 'service.region.example.com'],
      ['x-sdk-date', '20191115T033655Z'],
    ]);
    const signed = ['content-type', 'host', 'x-sdk-date'];
    const request = canonicalRequest({
      method: 'GET',
      uri: canonicalUri('/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs'),
      query: canonicalQuery([
        ['limit', '2'],
        ['marker', '13551d6b-755d-4757-b956-536f674975c0'],
      ]),
      headers: canonicalHeaders(signed, headers),
      signedHeaders: signed,
      payloadHash: sha256Hex(''),
    });
    expect(sha256Hex(request)).toBe(
      'b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a',
    );
    expect(signature(DOC_SK, stringToSign('20191115T033655Z', request))).toBe(
      '7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe',
    );
  });

  it('matches POST members vector', () => {
    const body =
      '{"images":["d164b5df-1bc3-4c3f-893e-3e471fd16e64"],"projects":["9c61004714024f9586705d090530f9fa"]}';
    const headers = new Map([
      ['content-type', 'application/json'],
      ['host', 'ims.ap-southeast-1.myhuaweicloud.com'],
      ['x-project-id', '0123456789abcdef0123456789abcdef'],
      ['x-sdk-date', '20240101T000000Z'],
    ]);
    const signed = [...headers.keys()];
    const payloadHash = sha256Hex(body);
    const request = canonicalRequest({
      method: 'POST',
      uri: canonicalUri('/v1/cloudimages/members'),
      query: canonicalQuery([]),
      headers: canonicalHeaders(signed, headers),
      signedHeaders: signed,
      payloadHash,
    });
    expect(payloadHash).toBe(
      '04ec3d3353683d7626da1bceb20becd73e5d3b2b1a482f31681610508706ed5c',
    );
    expect(signature(DOC_SK, stringToSign('20240101T000000Z', request))).toBe(
      '053ce92775c49fa642a397145bf771dcb45c56477583bc69f57d4d4bcfeffbd6',
    );
  });

  it('matches repeated query key vector', () => {
    const query = canonicalQuery([
      ['name', 'ap-southeast-1'],
      ['tag', 'b v'],
      ['tag', 'a~*'],
    ]);
    const headers = new Map([
      ['content-type', 'application/json'],
      ['host', 'iam.myhuaweicloud.com'],
      ['x-sdk-date', '20240101T000000Z'],
      ['x-security-token', 'tok+/='],
    ]);
    const signed = [...headers.keys()];
    const request = canonicalRequest({
      method: 'GET',
      uri: canonicalUri('/v3/projects'),
      query,
      headers: canonicalHeaders(signed, headers),
      signedHeaders: signed,
      payloadHash: sha256Hex(''),
    });
    expect(query).toBe('name=ap-southeast-1&tag=a~%2A&tag=b%20v');
    expect(signature(DOC_SK, stringToSign('20240101T000000Z', request))).toBe(
      '6ed67b2eb8133550f10118f4341847b8681642864847ae92e6451833be600c31',
    );
  });

  it('percent-encodes reserved and multibyte characters', () => {
    expect(percentEncode('a b*~-_.')).toBe('a%20b%2A~-_.');
    expect(percentEncode('é/')).toBe('%C3%A9%2F');
  });

  it('appends trailing slash to URI', () => {
    expect(canonicalUri('/v1/cloudimages/members')).toBe(
      '/v1/cloudimages/members/',
    );
    expect(canonicalUri('/v3/projects/')).toBe('/v3/projects/');
  });

  it('formats sdk date', () => {
    expect(sdkDate(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe('20240102T030405Z');
  });
});

/** Encodes a path segment for the wire: every non-unreserved byte as %XX. */
function wireSegment(segment: string): string {
  return percentEncode(segment);
}

interface GeneratedRequest {
  segment: string;
  query: Record<string, string[]>;
  extraHeader: string;
  temporary: boolean;
}

const queryKey = fc
  .stringMatching(/^[a-z][a-z0-9_~.* -]{0,8}$/)
  .filter((key) => !['limit', 'marker', 'member_status'].includes(key));
const generated: fc.Arbitrary<GeneratedRequest> = fc.record({
  segment: fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }),
  query: fc.dictionary(
    queryKey,
    fc.array(fc.string({ maxLength: 8, unit: 'grapheme' }), {
      minLength: 1,
      maxLength: 3,
    }),
    {
      maxKeys: 3,
    },
  ),
  extraHeader: fc.stringMatching(/^[!-~]([ -~]{0,10}[!-~])?$/),
  temporary: fc.boolean(),
});

/** Sends a GET for the Glance member listing of `segment`, signed by the SDK. */
async function sendGenerated(
  emulator: Emulator,
  input: GeneratedRequest,
  mutate: (parts: {
    path: string;
    query: string;
    headers: Record<string, string>;
  }) => void = () => {},
) {
  const credentials: TestCredentials = input.temporary ? OWNER_TEMP : OWNER;
  const path = `/v2/images/${wireSegment(input.segment)}/members`;
  const headers = signHeaders(emulator.url, credentials, {
    method: 'GET',
    path,
    query: input.query,
    headers: { 'X-Custom-Header': input.extraHeader },
  });
  const parts = { path, query: wireQuery(input.query), headers };
  mutate(parts);
  return send(
    emulator.url,
    'GET',
    `${parts.path}${parts.query}`,
    parts.headers,
  );
}

/** Changes one character of a string at a position derived from `seed`. */
function flipOne(value: string, seed: number): string {
  const index = seed % value.length;
  const code = value.charCodeAt(index);
  const replacement = code === 0x41 ? 'B' : 'A';
  return `${value.slice(0, index)}${replacement}${value.slice(index + 1)}`;
}

describe('signature verification over HTTP', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, state: testState() });
  });

  afterAll(async () => {
    await emulator.close();
  });

  it('accepts SDK-signed generated requests', async () => {
    await fc.assert(
      fc.asyncProperty(generated, async (input) => {
        const response = await sendGenerated(emulator, input);
        expect(response.status).toBe(404);
        expect(response.json.error.code).toBe('IMG.0144');
      }),
      { numRuns: 60 },
    );
  });

  it('rejects changed path byte', async () => {
    await fc.assert(
      fc.asyncProperty(generated, fc.nat(), async (input, seed) => {
        const response = await sendGenerated(emulator, input, (parts) => {
          parts.path = `/v2/images/${flipOne(wireSegment(input.segment), seed)}/members`;
        });
        expect(response.status).toBe(401);
        expect(response.json.error_code).toBe('APIGW.0301');
      }),
      { numRuns: 30 },
    );
  });

  it('rejects changed query byte', async () => {
    const withQuery = generated.filter(
      (input) => Object.keys(input.query).length > 0,
    );
    await fc.assert(
      fc.asyncProperty(withQuery, fc.nat(), async (input, seed) => {
        const response = await sendGenerated(emulator, input, (parts) => {
          parts.query = `?${flipOne(parts.query.slice(1), seed)}`;
        });
        expect(response.status).toBe(401);
        expect(response.json.error_code).toBe('APIGW.0301');
      }),
      { numRuns: 30 },
    );
  });

  it('rejects changed signed header', async () => {
    await fc.assert(
      fc.asyncProperty(generated, fc.nat(), async (input, seed) => {
        const response = await sendGenerated(emulator, input, (parts) => {
          parts.headers['X-Custom-Header'] = flipOne(input.extraHeader, seed);
        });
        expect(response.status).toBe(401);
        expect(response.json.error_code).toBe('APIGW.0301');
      }),
      { numRuns: 30 },
    );
  });

  it('accepts added unsigned header', async () => {
    const input: GeneratedRequest = {
      segment: 'x',
      query: {},
      extraHeader: 'v',
      temporary: false,
    };
    const response = await sendGenerated(emulator, input, (parts) => {
      parts.headers['X-Unsigned'] = 'anything';
    });
    expect(response.status).toBe(404);
  });

  it('rejects changed body byte', async () => {
    const bodies = fc.record({
      images: fc.array(fc.uuid({ version: 4 }), { minLength: 1, maxLength: 3 }),
      projects: fc.array(fc.stringMatching(/^[0-9a-f]{32}$/), {
        minLength: 1,
        maxLength: 3,
      }),
    });
    await fc.assert(
      fc.asyncProperty(
        bodies,
        fc.nat(),
        fc.boolean(),
        async (body, seed, temporary) => {
          const credentials = temporary ? OWNER_TEMP : OWNER;
          const headers = signHeaders(emulator.url, credentials, {
            method: 'DELETE',
            path: '/v1/cloudimages/members',
            body,
          });
          const text = JSON.stringify(body);
          const accepted = await send(
            emulator.url,
            'DELETE',
            '/v1/cloudimages/members',
            headers,
            text,
          );
          const changed = await send(
            emulator.url,
            'DELETE',
            '/v1/cloudimages/members',
            headers,
            flipOne(text, seed),
          );
          expect(accepted.status).toBe(200);
          expect(changed.status).toBe(401);
          expect(changed.json.error_code).toBe('APIGW.0301');
        },
      ),
      { numRuns: 25 },
    );
  });

  it('rejects changed method', async () => {
    const body = {
      images: ['00000000-0000-4000-8000-00000000000a'],
      projects: [OWNER_PROJECT],
    };
    const headers = signHeaders(emulator.url, OWNER, {
      method: 'DELETE',
      path: '/v1/cloudimages/members',
      body,
    });
    const response = await send(
      emulator.url,
      'POST',
      '/v1/cloudimages/members',
      headers,
      JSON.stringify(body),
    );
    expect(response.status).toBe(401);
    expect(response.json.error_code).toBe('APIGW.0301');
  });

  it('includes canonical request in message', async () => {
    const headers = signHeaders(emulator.url, OWNER, {
      method: 'GET',
      path: '/v2/cloudimages',
    });
    const response = await send(
      emulator.url,
      'GET',
      '/v2/cloudimages?x=1',
      headers,
    );
    expect(response.json.error_msg).toContain(
      'Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest: GET|/v2/cloudimages/|x=1|',
    );
  });

  it('accepts unsigned payload header', async () => {
    const headers = signHeaders(emulator.url, OWNER, {
      method: 'GET',
      path: '/v2/cloudimages',
      headers: { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    });
    const response = await send(
      emulator.url,
      'GET',
      '/v2/cloudimages',
      headers,
      'ignored body',
    );
    expect(response.status).toBe(200);
  });

  it('accepts Go style signing', async () => {
    const segment = 'a b/ü';
    const wirePath = `/v2/images/${percentEncode(segment)}/members`;
    const response = await sendGoSigned(
      emulator,
      OWNER,
      'GET',
      wirePath,
      `/v2/images/${segment}/members`,
    );
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('IMG.0144');
  });

  it('requires host and date signed', async () => {
    const headers = signHeaders(emulator.url, OWNER, {
      method: 'GET',
      path: '/v2/cloudimages',
    });
    headers.Authorization = headers.Authorization!.replace(
      'SignedHeaders=host;',
      'SignedHeaders=',
    );
    const response = await send(
      emulator.url,
      'GET',
      '/v2/cloudimages',
      headers,
    );
    expect(response.status).toBe(401);
    expect(response.json.error_msg).toContain(
      'SignedHeaders must include host and x-sdk-date',
    );
  });
});

/**
 * Signs like the Go SDK (`core/auth/signer/signer.go`): the decoded URL path
 * is escaped per segment, header values are trimmed and `content-type` is
 * not signed.
 */
function sendGoSigned(
  emulator: Emulator,
  credentials: TestCredentials,
  method: string,
  wirePath: string,
  decodedPath: string,
) {
  const date = sdkDate(Date.now());
  const host = new URL(emulator.url).host;
  const escapedPath = decodedPath
    .split('/')
    .map((part) =>
      encodeURIComponent(part).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
  const lines = [
    method,
    `${escapedPath}/`,
    '',
    `host:${host}\nx-project-id:${credentials.projectId}\nx-sdk-date:${date}\n`,
    'host;x-project-id;x-sdk-date',
    createHash('sha256').update('').digest('hex'),
  ].join('\n');
  const toSign = `SDK-HMAC-SHA256\n${date}\n${createHash('sha256').update(lines).digest('hex')}`;
  const signatureHex = createHmac('sha256', credentials.sk)
    .update(toSign)
    .digest('hex');
  return send(emulator.url, method, wirePath, {
    host,
    'Content-Type': 'application/json',
    'X-Project-Id': ` ${credentials.projectId ?? ''}`,
    'X-Sdk-Date': date,
    Authorization: `SDK-HMAC-SHA256 Access=${credentials.ak}, SignedHeaders=host;x-project-id;x-sdk-date, Signature=${signatureHex}`,
  });
}
