/**
 * Small helpers for hand-written validation that name the failing field by
 * its JSON path, such as `images[2].owner`.
 */

/** Error raised for an invalid state file or settings value. */
export class StateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateError';
  }
}

/** Raises a StateError naming the field. */
export function invalid(path: string, expected: string, value: unknown): never {
  const shown = JSON.stringify(value) ?? String(value);
  throw new StateError(`${path}: expected ${expected}, got ${shown}`);
}

/** Checks that a value is a plain object. */
export function asObject(
  value: unknown,
  path: string,
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(path, 'an object', value);
  }
  return value as Record<string, unknown>;
}

/** Checks that a value is an array. */
export function asArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) {
    invalid(path, 'an array', value);
  }
  return value;
}

/** Checks that a value is a string, optionally matching a pattern. */
export function asString(
  value: unknown,
  path: string,
  pattern?: RegExp,
  described = 'a string',
): string {
  if (typeof value !== 'string' || (pattern && !pattern.test(value))) {
    invalid(path, described, value);
  }
  return value;
}

/** Checks that a value is one of the listed strings. */
export function asEnum<T extends string>(
  value: unknown,
  path: string,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    invalid(path, `one of ${allowed.join(', ')}`, value);
  }
  return value as T;
}

/** Checks that a value is a number within the bounds. */
export function asNumber(
  value: unknown,
  path: string,
  min = -Infinity,
  max = Infinity,
): number {
  if (typeof value !== 'number' || !(value >= min && value <= max)) {
    invalid(path, `a number from ${min} to ${max}`, value);
  }
  return value;
}

/** Checks that a value is a boolean. */
export function asBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') {
    invalid(path, 'a boolean', value);
  }
  return value;
}

/** Checks that a value is an ISO 8601 date-time string. */
export function asDateTime(value: unknown, path: string): string {
  const text = asString(value, path);
  if (Number.isNaN(Date.parse(text))) {
    invalid(path, 'an ISO 8601 date-time', value);
  }
  return text;
}

/** Raises a StateError for any key of `object` that is not listed. */
export function rejectUnknownKeys(
  object: Record<string, unknown>,
  path: string,
  known: readonly string[],
): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) {
      throw new StateError(`${path}.${key}: unknown field`);
    }
  }
}
