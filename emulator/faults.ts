/**
 * Injected faults: which route they hit, how often, and what happens
 * instead of (or in addition to) the normal response.
 */

/** Names of the emulated operations, usable as fault targets. */
export const ROUTE_NAMES = [
  'addMembers',
  'updateMembers',
  'deleteMembers',
  'showJob',
  'listMembers',
  'glanceListMembers',
  'listImages',
  'listProjects',
  'createToken',
  'createTokenWithIdToken',
  'createTemporaryAccessKey',
  'assumeAgencyWithOidc',
  'getIdToken',
] as const;

/** Name of an emulated operation. */
export type RouteName = (typeof ROUTE_NAMES)[number];

/**
 * Route selector by method and path pattern. In `path`, a segment `*` or
 * `{name}` matches any one segment; without `method` every method matches.
 */
export interface RouteSelector {
  method?: string;
  path: string;
}

/** `Retry-After` header of a throttling fault. */
export interface RetryAfter {
  seconds: number;
  /** `seconds` sends `Retry-After: 3`; `http-date` sends an IMF date. */
  format: 'seconds' | 'http-date';
}

/** Effect of an injected fault. */
export type FaultAction =
  /** HTTP 429 `APIGW.0308`, optionally with `Retry-After`. */
  | { kind: 'throttle'; retryAfter?: RetryAfter }
  /** HTTP 400 `IMG.0060` (IMS flow control). */
  | { kind: 'flow-control' }
  /** HTTP 500/502/503/504 with `body` or a default IMS error body. */
  | { kind: 'server-error'; status: 500 | 502 | 503 | 504; body?: unknown }
  /**
   * Connection destroyed. `before-acting` sends no byte and changes nothing.
   * `after-acting` runs the operation, then sends no byte. `after-headers`
   * runs it, sends the headers and half the body, then destroys the socket.
   */
  | { kind: 'drop'; stage: 'before-acting' | 'after-acting' | 'after-headers' }
  /** Normal response, sent `ms` real milliseconds late. */
  | { kind: 'delay'; ms: number }
  /** A job created by the request stays `RUNNING` forever. */
  | { kind: 'job-never-finishes' }
  /** A job created by the request lasts `ms` emulator milliseconds. */
  | { kind: 'job-duration'; ms: number };

/** Kind of a fault action. */
export type FaultKind = FaultAction['kind'];

/** Fault to inject. */
export interface FaultSpec {
  /** Identifier used in counts; generated when absent. */
  id?: string;
  route: RouteName | RouteSelector;
  /** How many matching requests the fault hits; default 1. */
  times?: number | 'always';
  action: FaultAction;
}

/** Counts of injected faults. */
export interface FaultCounts {
  total: number;
  byId: Record<string, number>;
  byKind: Partial<Record<FaultKind, number>>;
}

interface ActiveFault {
  id: string;
  spec: FaultSpec;
  remaining: number;
}

/** Request facts that fault selectors match against. */
export interface FaultTarget {
  route: RouteName;
  method: string;
  path: string;
}

/** Stores faults, hands them out to matching requests and counts them. */
export class FaultStore {
  private faults: ActiveFault[] = [];
  private counts: FaultCounts = { total: 0, byId: {}, byKind: {} };
  private nextId = 1;

  /** Adds a fault and returns its ID. */
  add(spec: FaultSpec): string {
    const id = spec.id ?? `fault-${this.nextId++}`;
    const times = spec.times ?? 1;
    const remaining = times === 'always' ? Infinity : times;
    this.faults.push({ id, spec, remaining });
    return id;
  }

  /** Removes all faults that have not been used up; counts stay. */
  clear(): void {
    this.faults = [];
  }

  /**
   * Takes the first fault matching the request, consuming one use and
   * counting it. Job faults match only `jobRoute` requests.
   */
  take(target: FaultTarget, jobRoute: boolean): ActiveFault | null {
    const fault = this.faults.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (jobRoute || !isJobFault(candidate.spec.action)) &&
        matchesRoute(candidate.spec.route, target),
    );
    if (!fault) {
      return null;
    }
    fault.remaining -= 1;
    this.count(fault);
    return fault;
  }

  /** Returns a copy of the counts. */
  snapshot(): FaultCounts {
    return structuredClone(this.counts);
  }

  private count(fault: ActiveFault): void {
    const kind = fault.spec.action.kind;
    this.counts.total += 1;
    this.counts.byId[fault.id] = (this.counts.byId[fault.id] ?? 0) + 1;
    this.counts.byKind[kind] = (this.counts.byKind[kind] ?? 0) + 1;
  }
}

function isJobFault(action: FaultAction): boolean {
  return action.kind === 'job-never-finishes' || action.kind === 'job-duration';
}

function matchesRoute(
  route: RouteName | RouteSelector,
  target: FaultTarget,
): boolean {
  if (typeof route === 'string') {
    return route === target.route;
  }
  if (route.method && route.method.toUpperCase() !== target.method) {
    return false;
  }
  return matchesPattern(route.path, target.path);
}

function matchesPattern(pattern: string, path: string): boolean {
  const expected = pattern.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) {
    return false;
  }
  return expected.every(
    (segment, index) =>
      segment === '*' ||
      /^\{[^}]+\}$/.test(segment) ||
      segment === actual[index],
  );
}
