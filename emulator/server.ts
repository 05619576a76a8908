/**
 * HTTP server: reads a request, routes it, authenticates, applies faults,
 * runs the handler and writes the JSON reply with `X-Request-Id`.
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate, type AuthKind, type ProjectSource } from './auth.js';
import type { EmulatorClock } from './clock.js';
import type { HandlerContext } from './context.js';
import { faultReply } from './fault-replies.js';
import type {
  FaultAction,
  FaultKind,
  FaultStore,
  RouteName,
} from './faults.js';
import { newRequestId } from './ids.js';
import type { JobEngine } from './jobs.js';
import { apigwError, ReplyError, imsError, type Reply } from './reply.js';
import { headerValue, parseTarget, type ParsedRequest } from './request.js';
import { parseAuthorization } from './signing.js';
import { matchRoute, type RouteMatch } from './routes.js';
import type { Store } from './store.js';

/** Entry of the request log. */
export interface RequestLogEntry {
  method: string;
  /** Path as sent, without the query. */
  path: string;
  route: RouteName | null;
  /** HTTP status; null when the connection was dropped before any byte. */
  status: number | null;
  requestId: string;
  authKind: AuthKind;
  /** Kind of the fault injected into this request, if any. */
  fault: FaultKind | null;
  /** Signature of an `SDK-HMAC-SHA256` Authorization header, if sent. */
  signature: string | null;
}

/** Parts of the emulator the server works on. */
export interface ServerDeps {
  store: Store;
  clock: EmulatorClock;
  jobs: JobEngine;
  faults: FaultStore;
  requests: RequestLogEntry[];
  /** Receives one line per request; undefined logs nothing. */
  log?: (line: string) => void;
}

/** Creates the HTTP server and a function that destroys all its sockets. */
export function createEmulatorServer(deps: ServerDeps): {
  server: Server;
  destroySockets: () => void;
} {
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    handle(deps, request, response).catch((error: unknown) => {
      deps.log?.(`internal error: ${String(error)}`);
      response.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const destroySockets = (): void =>
    sockets.forEach((socket) => socket.destroy());
  return { server, destroySockets };
}

async function handle(
  deps: ServerDeps,
  incoming: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const body = await readBody(incoming);
  const request: ParsedRequest = {
    method: (incoming.method ?? 'GET').toUpperCase(),
    ...parseTarget(incoming.url ?? '/'),
    headers: incoming.headers,
    body,
  };
  const entry: RequestLogEntry = {
    method: request.method,
    path: request.rawPath,
    route: null,
    status: null,
    requestId: newRequestId(),
    authKind: 'none',
    fault: null,
    signature: readSignature(request),
  };
  deps.jobs.settleDue();
  const outcome = await decide(deps, request, entry);
  await finish(deps, response, entry, outcome);
}

/** Decision of the pipeline: a reply (null for a drop) and the fault that applied. */
interface Outcome {
  reply: Reply | null;
  action: FaultAction | null;
}

async function decide(
  deps: ServerDeps,
  request: ParsedRequest,
  entry: RequestLogEntry,
): Promise<Outcome> {
  const match = matchRoute(request.method, request.segments);
  if (!match) {
    return {
      reply: errorReply(
        apigwError(
          404,
          'APIGW.0101',
          'The API does not exist or has not been published in the environment',
        ),
      ),
      action: null,
    };
  }
  entry.route = match.route.name;
  try {
    const context = buildContext(deps, request, match, entry);
    const fault = deps.faults.take(
      {
        route: match.route.name,
        method: request.method,
        path: request.rawPath,
      },
      match.route.createsJob,
    );
    entry.fault = fault?.spec.action.kind ?? null;
    const action = fault?.spec.action ?? null;
    return await runWithFault(deps, context, match, action);
  } catch (error) {
    return { reply: errorReply(error, deps), action: null };
  }
}

function buildContext(
  deps: ServerDeps,
  request: ParsedRequest,
  match: RouteMatch,
  entry: RequestLogEntry,
): HandlerContext {
  const context: HandlerContext = {
    request,
    caller: null,
    params: match.params,
    store: deps.store,
    clock: deps.clock,
    jobs: deps.jobs,
  };
  if (match.route.auth !== 'none') {
    const source: ProjectSource =
      match.route.auth === 'path'
        ? { kind: 'path', projectId: match.params.project_id ?? '' }
        : match.route.auth === 'header'
          ? { kind: 'header' }
          : { kind: 'none' };
    context.caller = authenticate(request, deps.store, deps.clock, source);
    entry.authKind = context.caller.kind;
  }
  return context;
}

async function runWithFault(
  deps: ServerDeps,
  context: HandlerContext,
  match: RouteMatch,
  action: FaultAction | null,
): Promise<Outcome> {
  if (action) {
    const replaced = faultReply(action, deps.clock.now());
    if (replaced) {
      return { reply: replaced, action };
    }
    if (action.kind === 'drop' && action.stage === 'before-acting') {
      return { reply: null, action };
    }
    if (action.kind === 'job-never-finishes') {
      context.jobDurationMs = null;
    }
    if (action.kind === 'job-duration') {
      context.jobDurationMs = action.ms;
    }
  }
  try {
    return { reply: await match.route.handler(context), action };
  } catch (error) {
    return { reply: errorReply(error, deps), action };
  }
}

function errorReply(error: unknown, deps?: ServerDeps): Reply {
  if (error instanceof ReplyError) {
    return error.reply;
  }
  deps?.log?.(
    `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return imsError(500, 'IMG.0061', 'An unknown system error occurred.').reply;
}

async function finish(
  deps: ServerDeps,
  response: ServerResponse,
  entry: RequestLogEntry,
  outcome: Outcome,
): Promise<void> {
  const latency =
    deps.store.settings.latencyMs +
    (outcome.action?.kind === 'delay' ? outcome.action.ms : 0);
  if (latency > 0) {
    await sleep(latency);
  }
  const action = outcome.action;
  const reply = outcome.reply;
  if (
    reply === null ||
    (action?.kind === 'drop' && action.stage === 'after-acting')
  ) {
    response.socket?.destroy();
    record(deps, entry);
    return;
  }
  const payload = Buffer.from(
    JSON.stringify(fillRequestId(reply.body, entry.requestId)),
  );
  response.writeHead(reply.status, {
    ...reply.headers,
    'Content-Type': 'application/json;charset=UTF-8',
    'Content-Length': String(payload.length),
    'X-Request-Id': entry.requestId,
  });
  entry.status = reply.status;
  if (action?.kind === 'drop' && action.stage === 'after-headers') {
    response.flushHeaders();
    response.write(payload.subarray(0, Math.floor(payload.length / 2)));
    setImmediate(() => response.socket?.destroy());
  } else {
    response.end(payload);
  }
  record(deps, entry);
}

function readSignature(request: ParsedRequest): string | null {
  const header = headerValue(request.headers, 'authorization');
  return header === undefined
    ? null
    : (parseAuthorization(header)?.signature ?? null);
}

function record(deps: ServerDeps, entry: RequestLogEntry): void {
  deps.requests.push(entry);
  deps.log?.(
    `${entry.method} ${entry.path} ${entry.status ?? 'dropped'} ${entry.requestId}`,
  );
}

function fillRequestId(body: unknown, requestId: string): unknown {
  if (typeof body === 'object' && body !== null && 'request_id' in body) {
    return { ...body, request_id: requestId };
  }
  return body;
}

async function readBody(incoming: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
