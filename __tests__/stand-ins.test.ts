/**
 * The bundle's stand-ins for `@actions/http-client` and `@actions/exec`
 * (src/bundle/): each must offer what `@actions/core` uses of its package,
 * and behave like the package.
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

import * as execStandIn from '../src/bundle/actions-exec.js';
import { HttpClient } from '../src/bundle/actions-http-client.js';

const ACTIONS_PACKAGES = fileURLToPath(
  new URL('../node_modules/@actions/', import.meta.url),
);

/**
 * Sources of the files of the bundled toolkit packages that import
 * `specifier`, by path under node_modules/@actions/.
 */
async function filesImporting(specifier: string): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  const pattern = new RegExp(`from '${specifier}'`);
  for (const name of ['core', 'exec', 'http-client', 'io']) {
    const lib = `${ACTIONS_PACKAGES}${name}/lib/`;
    for (const file of await readdir(lib)) {
      if (!file.endsWith('.js')) continue;
      const source = await readFile(`${lib}${file}`, 'utf8');
      if (pattern.test(source)) sources.set(`${name}/lib/${file}`, source);
    }
  }
  return sources;
}

describe('@actions/core against the stand-ins', () => {
  it('imports from @actions/http-client only what the stand-in exports', async () => {
    const standIn = await import('../src/bundle/actions-http-client.js');
    const files = await filesImporting('@actions/http-client');
    expect([...files.keys()]).toEqual(['core/lib/oidc-utils.js']);
    for (const source of files.values()) {
      const imports = [
        ...source.matchAll(/import \{([^}]*)\} from '@actions\/http-client'/g),
      ].flatMap((match) => (match[1] ?? '').split(',').map((s) => s.trim()));
      expect(imports).toEqual(['HttpClient']);
      for (const name of imports) expect(Object.keys(standIn)).toContain(name);
    }
  });

  it('calls only the HttpClient methods the stand-in has', async () => {
    const real = await import('@actions/http-client');
    const methods = Object.getOwnPropertyNames(
      real.HttpClient.prototype,
    ).filter((name) => name !== 'constructor');
    for (const source of (
      await filesImporting('@actions/http-client')
    ).values()) {
      const called = methods.filter((name) =>
        new RegExp(`\\.${name}\\(`).test(source),
      );
      expect(called).toContain('getJson');
      for (const name of called) {
        expect(typeof Reflect.get(HttpClient.prototype, name)).toBe('function');
      }
    }
  });

  it('calls only the @actions/exec functions the stand-in has', async () => {
    const files = await filesImporting('@actions/exec');
    expect([...files.keys()]).toEqual(['core/lib/platform.js']);
    const real = await import('@actions/exec');
    for (const source of files.values()) {
      expect(source).toMatch(/import \* as exec from '@actions\/exec'/);
      const called = Object.keys(real).filter((name) =>
        new RegExp(`exec\\.${name}\\(`).test(source),
      );
      expect(called).toContain('getExecOutput');
      for (const name of called)
        expect(Object.keys(execStandIn)).toContain(name);
    }
  });
});

describe('exec stand-in', () => {
  it('runs a command through the real package', async () => {
    const output = await execStandIn.getExecOutput(
      process.execPath,
      ['-e', 'process.stdout.write("from the child")'],
      { silent: true },
    );
    expect(output).toMatchObject({ exitCode: 0, stdout: 'from the child' });
    expect(
      await execStandIn.exec(process.execPath, ['-e', 'process.exit(3)'], {
        silent: true,
        ignoreReturnCode: true,
      }),
    ).toBe(3);
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
