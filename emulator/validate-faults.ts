import {
  ROUTE_NAMES,
  type FaultAction,
  type FaultSpec,
  type RouteSelector,
} from './faults.js';
import {
  asEnum,
  asNumber,
  asObject,
  asString,
  invalid,
  rejectUnknownKeys,
} from './validate.js';

/** Validates a fault specification; raises StateError naming the field. */
export function validateFault(value: unknown, path: string): FaultSpec {
  const object = asObject(value, path);
  rejectUnknownKeys(object, path, ['id', 'route', 'times', 'action']);
  const spec: FaultSpec = {
    route: validateRoute(object.route, `${path}.route`),
    action: validateAction(object.action, `${path}.action`),
  };
  if (object.id !== undefined) {
    spec.id = asString(object.id, `${path}.id`);
  }
  if (object.times !== undefined) {
    spec.times =
      object.times === 'always'
        ? 'always'
        : asNumber(object.times, `${path}.times`, 1, Number.MAX_SAFE_INTEGER);
  }
  return spec;
}

function validateRoute(value: unknown, path: string): FaultSpec['route'] {
  if (typeof value === 'string') {
    return asEnum(value, path, ROUTE_NAMES);
  }
  const object = asObject(value, path);
  rejectUnknownKeys(object, path, ['method', 'path']);
  const selector: RouteSelector = {
    path: asString(
      object.path,
      `${path}.path`,
      /^\//,
      'a path starting with /',
    ),
  };
  if (object.method !== undefined) {
    selector.method = asString(object.method, `${path}.method`);
  }
  return selector;
}

function validateAction(value: unknown, path: string): FaultAction {
  const object = asObject(value, path);
  const kind = asEnum(object.kind, `${path}.kind`, [
    'throttle',
    'flow-control',
    'server-error',
    'drop',
    'delay',
    'job-never-finishes',
    'job-duration',
  ]);
  switch (kind) {
    case 'throttle':
      return validateThrottle(object, path);
    case 'server-error':
      return validateServerError(object, path);
    case 'drop':
      rejectUnknownKeys(object, path, ['kind', 'stage']);
      return {
        kind,
        stage: asEnum(object.stage, `${path}.stage`, [
          'before-acting',
          'after-acting',
          'after-headers',
        ]),
      };
    case 'delay':
    case 'job-duration':
      rejectUnknownKeys(object, path, ['kind', 'ms']);
      return { kind, ms: asNumber(object.ms, `${path}.ms`, 0) };
    default:
      rejectUnknownKeys(object, path, ['kind']);
      return { kind };
  }
}

function validateThrottle(
  object: Record<string, unknown>,
  path: string,
): FaultAction {
  rejectUnknownKeys(object, path, ['kind', 'retryAfter']);
  if (object.retryAfter === undefined) {
    return { kind: 'throttle' };
  }
  const retry = asObject(object.retryAfter, `${path}.retryAfter`);
  rejectUnknownKeys(retry, `${path}.retryAfter`, ['seconds', 'format']);
  return {
    kind: 'throttle',
    retryAfter: {
      seconds: asNumber(retry.seconds, `${path}.retryAfter.seconds`, 0),
      format: asEnum(retry.format ?? 'seconds', `${path}.retryAfter.format`, [
        'seconds',
        'http-date',
      ]),
    },
  };
}

function validateServerError(
  object: Record<string, unknown>,
  path: string,
): FaultAction {
  rejectUnknownKeys(object, path, ['kind', 'status', 'body']);
  const status = object.status;
  if (status !== 500 && status !== 502 && status !== 503 && status !== 504) {
    invalid(`${path}.status`, 'one of 500, 502, 503, 504', status);
  }
  return object.body === undefined
    ? { kind: 'server-error', status }
    : { kind: 'server-error', status, body: object.body };
}
