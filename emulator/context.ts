import type { Caller } from './auth.js';
import type { EmulatorClock } from './clock.js';
import type { JobEngine } from './jobs.js';
import type { Reply } from './reply.js';
import type { ParsedRequest } from './request.js';
import type { Store } from './store.js';

/** Input of a route handler. */
export interface HandlerContext {
  request: ParsedRequest;
  /** Authenticated caller; null on routes without authentication. */
  caller: Caller | null;
  params: Record<string, string>;
  store: Store;
  clock: EmulatorClock;
  jobs: JobEngine;
  /** Job duration set by a fault; undefined uses the settings. */
  jobDurationMs?: number | null;
}

/** Route handler; only the runner's ID-token route answers asynchronously. */
export type Handler = (context: HandlerContext) => Reply | Promise<Reply>;

/** Returns the caller and its project; raises when the route forgot auth. */
export function callerProject(context: HandlerContext): {
  caller: Caller;
  projectId: string;
} {
  const caller = context.caller;
  if (!caller || caller.projectId === null) {
    throw new Error(
      'route handler needs an authenticated caller with a project',
    );
  }
  return { caller, projectId: caller.projectId };
}
