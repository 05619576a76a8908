/**
 * The parts of undici that the action uses, loaded module by module.
 *
 * undici's package entry (`index.js`) evaluates every feature at import:
 * fetch, WebSocket, EventSource, the cache stores, the mock agents. In the
 * bundle that cost about 30 ms of start-up per run on the benchmark machine
 * (docs/benchmarks.md), and the action needs only the dispatchers. This module
 * loads the dispatcher classes from their own files. It also installs the
 * request API on `Dispatcher.prototype`, as the entry does (undici 7
 * `index.js`: `Object.assign(Dispatcher.prototype, api)`), because
 * `ProxyAgent` calls `connect` for its tunnel to the proxy.
 *
 * The build maps the bare specifier `undici` to this module (`paths` in
 * tsconfig.json, which ncc applies to every import in the bundle), so
 * `@actions/http-client`, which imports `ProxyAgent` from `undici`, gets these
 * classes too and the entry never loads. The files are the ones undici 7's own
 * entry requires, and the lock file pins the version.
 */

import api from 'undici/lib/api/index.js';
import Agent from 'undici/lib/dispatcher/agent.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import ProxyAgent from 'undici/lib/dispatcher/proxy-agent.js';

Object.assign(Dispatcher.prototype, api);

export { Agent, Dispatcher, EnvHttpProxyAgent, ProxyAgent };
