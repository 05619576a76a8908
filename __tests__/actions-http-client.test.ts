/**
 * The bundle's stand-in for `@actions/http-client`: it must offer what
 * `@actions/core` uses of the package, and answer like the package does.
 */

import { BearerCredentialHandler } from '@actions/http-client/lib/auth';
import { readdir, readFile } from 'node:fs/promises';
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { HttpClient } from '../src/http/actions-http-client.js';

const CORE_LIB = fileURLToPath(
  new URL('../node_modules/@actions/core/lib/', import.meta.url),
);

/** Method names of the real `HttpClient`, which core could call. */
async function realMethodNames(): Promise<string[]> {
  const real = await import('@actions/http-client');
  return Object.getOwnPropertyNames(real.HttpClient.prototype).filter(
    (name) => name !== 'constructor',
  );
}

/** Sources of the `@actions/core` files that import `@actions/http-client`. */
async function coreFilesUsingHttpClient(): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  for (const file of await readdir(CORE_LIB)) {
    if (!file.endsWith('.js')) continue;
    const source = await readFile(`${CORE_LIB}${file}`, 'utf8');
    if (/from '@actions\/http-client'/.test(source)) sources.set(file, source);
  }
  return sources;
}

describe('@actions/core against the stand-in', () => {
  it('imports only what the stand-in exports', async () => {
    const standIn = await import('../src/http/actions-http-client.js');
    const files = await coreFilesUsingHttpClient();
    expect([...files.keys()]).toEqual(['oidc-utils.js']);
    for (const source of files.values()) {
      const imports = [
        ...source.matchAll(/import \{([^}]*)\} from '@actions\/http-client'/g),
      ].flatMap((match) => (match[1] ?? '').split(',').map((s) => s.trim()));
      expect(imports.length).toBeGreaterThan(0);
      for (const name of imports) expect(Object.keys(standIn)).toContain(name);
    }
  });

  it('calls only the methods the stand-in has', async () => {
    const methods = await realMethodNames();
    const files = await coreFilesUsingHttpClient();
    for (const source of files.values()) {
      const called = methods.filter((name) =>
        new RegExp(`\\.${name}\\(`).test(source),
      );
      expect(called).toContain('getJson');
      for (const name of called) {
        expect(typeof Reflect.get(HttpClient.prototype, name)).toBe('function');
      }
    }
  });
});

describe('HttpClient stand-in', () => {
  let server: Server;
  let url: string;
  let received: IncomingHttpHeaders[];
  let respond: (response: ServerResponse) => void;

  beforeEach(async () => {
    received = [];
    respond = (response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ value: 'id-token' }));
    };
    server = createServer((request, response) => {
      received.push(request.headers);
      respond(response);
    });
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token?api-version=2.0`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('gets JSON with the handlers and user agent it was built with', async () => {
    const client = new HttpClient(
      'actions/oidc-client',
      [new BearerCredentialHandler('request-token')],
      { allowRetries: false },
    );
    const response = await client.getJson<{ value: string }>(url);
    expect(response.statusCode).toBe(200);
    expect(response.result).toEqual({ value: 'id-token' });
    expect(received[0]?.authorization).toBe('Bearer request-token');
    expect(received[0]?.['user-agent']).toContain('actions/oidc-client');
  });

  it('rejects an error status with its code, as the package does', async () => {
    respond = (response) => {
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'audience not allowed' }));
    };
    const client = new HttpClient('actions/oidc-client', [], {
      allowRetries: false,
    });
    await expect(client.getJson(url)).rejects.toMatchObject({
      statusCode: 403,
      message: expect.stringContaining('audience not allowed'),
    });
  });

  it('reuses one client for later requests', async () => {
    const client = new HttpClient('actions/oidc-client', [], {
      allowRetries: false,
    });
    await client.getJson(url);
    await client.getJson(url);
    expect(received).toHaveLength(2);
  });
});
