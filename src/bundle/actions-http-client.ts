/**
 * The bundle's stand-in for `@actions/http-client`, which loads the real
 * package on first use.
 *
 * `@actions/core` imports `@actions/http-client` at the top of its OIDC
 * module, for `core.getIDToken`, so every run would evaluate it, with
 * `tunnel`, `https` and `tls`, before the first request. The action requests
 * ID tokens with its own HTTP client instead (`src/cloud/github-oidc.ts`).
 * The build maps the bare specifier `@actions/http-client` to this module
 * (`paths` in tsconfig.json). As nothing calls `core.getIDToken`, webpack
 * finds this module unused and leaves it and the real package out of the
 * bundle. Code that called `core.getIDToken` would load the real package
 * from a chunk of its own on the first `getJson`.
 *
 * `@actions/core` 3 uses `new HttpClient(userAgent, handlers, options)` and
 * `getJson` of the package entry (`lib/oidc-utils.js`), which is all this
 * module provides; `__tests__/stand-ins.test.ts` fails when core imports or
 * calls more. The path below names the real entry file because the bare
 * specifier leads back here in the build.
 */

import type { OutgoingHttpHeaders } from 'node:http';

import type { TypedResponse } from '@actions/http-client/lib/interfaces';

type Real =
  typeof import('../../node_modules/@actions/http-client/lib/index.js');
type RealClient = InstanceType<Real['HttpClient']>;
type ClientArguments = ConstructorParameters<Real['HttpClient']>;

let loading: Promise<Real> | undefined;

function load(): Promise<Real> {
  loading ??= import('../../node_modules/@actions/http-client/lib/index.js');
  return loading;
}

/** Forwards to `HttpClient` of `@actions/http-client` once it has loaded. */
export class HttpClient {
  private readonly clientArguments: ClientArguments;
  private client: RealClient | undefined;

  constructor(...clientArguments: ClientArguments) {
    this.clientArguments = clientArguments;
  }

  async getJson<T>(
    requestUrl: string,
    additionalHeaders?: OutgoingHttpHeaders,
  ): Promise<TypedResponse<T>> {
    const client = await this.realClient();
    return client.getJson<T>(requestUrl, additionalHeaders);
  }

  private async realClient(): Promise<RealClient> {
    if (this.client === undefined) {
      const real = await load();
      this.client = new real.HttpClient(...this.clientArguments);
    }
    return this.client;
  }
}
