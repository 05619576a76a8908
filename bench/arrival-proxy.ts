/**
 * Loopback HTTP proxy that records when each request arrives and how many
 * are in flight, then forwards it unchanged (Host header included, so AK/SK
 * signatures still verify) to the emulator.
 */

import {
  Agent,
  createServer,
  request as forward,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** One request as the proxy saw it. */
export interface Arrival {
  method: string;
  /** Path and query as sent. */
  path: string;
  /** `performance.now()` of the harness when the request headers arrived. */
  at: number;
  /** Emulator clock, in epoch ms, at the same moment. */
  clockMs: number;
}

/** Running proxy. */
export interface ArrivalProxy {
  readonly url: string;
  readonly arrivals: Arrival[];
  /** Highest number of requests in flight at once. */
  peakInFlight(): number;
  /** Resolves at the first arrival after this call. */
  nextArrival(): Promise<Arrival>;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 in front of `targetUrl`. */
export async function startArrivalProxy(
  targetUrl: string,
  clock: () => number,
): Promise<ArrivalProxy> {
  const target = new URL(targetUrl);
  const agent = new Agent({ keepAlive: true });
  const arrivals: Arrival[] = [];
  const waiters: ((arrival: Arrival) => void)[] = [];
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let peak = 0;
  const server = createServer((incoming, outgoing) => {
    const arrival: Arrival = {
      method: incoming.method ?? '',
      path: incoming.url ?? '',
      at: performance.now(),
      clockMs: clock(),
    };
    arrivals.push(arrival);
    waiters.splice(0).forEach((resolve) => resolve(arrival));
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    outgoing.on('close', () => (inFlight -= 1));
    relay(incoming, outgoing, target, agent);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    peakInFlight: () => peak,
    nextArrival: () => new Promise((resolve) => waiters.push(resolve)),
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function relay(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  target: URL,
  agent: Agent,
): void {
  const upstream = forward(
    {
      host: target.hostname,
      port: target.port,
      method: incoming.method,
      path: incoming.url,
      headers: incoming.headers,
      agent,
    },
    (reply) => {
      outgoing.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(outgoing);
    },
  );
  // A connection the emulator drops is dropped here too.
  upstream.on('error', () => outgoing.destroy());
  incoming.pipe(upstream);
}
