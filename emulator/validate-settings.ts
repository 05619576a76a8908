import type { Settings } from './types.js';
import {
  StateError,
  asEnum,
  asNumber,
  asObject,
  rejectUnknownKeys,
} from './validate.js';

type Check = (value: unknown, path: string) => unknown;

const positiveInteger: Check = (value, path) =>
  asNumber(value, path, 1, Number.MAX_SAFE_INTEGER);

const optionalLimit: Check = (value, path) =>
  value === null ? null : positiveInteger(value, path);

const duration: Check = (value, path) =>
  asNumber(value, path, 0, Number.MAX_SAFE_INTEGER);

const CHECKS: Record<keyof Settings, Check> = {
  failedPairMode: (value, path) => asEnum(value, path, ['fail-job', 'partial']),
  resultItems: (value, path) =>
    asEnum(value, path, ['full', 'image-only', 'none']),
  existingMember: (value, path) =>
    asEnum(value, path, ['no-op', 'failed-item']),
  memberLimit: positiveInteger,
  wholeImageMemberLimit: positiveInteger,
  maxImagesPerRequest: optionalLimit,
  maxTargetsPerRequest: optionalLimit,
  encryptedImages: (value, path) =>
    asEnum(value, path, ['refuse-all', 'refuse-default-key']),
  jobDurationMs: duration,
  jobInitFraction: (value, path) => asNumber(value, path, 0, 1),
  latencyMs: duration,
  tokenTtlMs: duration,
  maxClockSkewMs: duration,
  idTokenLeewayMs: duration,
};

/** Validates a partial settings object; raises StateError naming the field. */
export function validateSettings(
  value: unknown,
  path: string,
): Partial<Settings> {
  const object = asObject(value, path);
  rejectUnknownKeys(object, path, Object.keys(CHECKS));
  const result: Record<string, unknown> = {};
  for (const [key, check] of Object.entries(CHECKS)) {
    if (object[key] !== undefined) {
      result[key] = check(object[key], `${path}.${key}`);
    }
  }
  return result as Partial<Settings>;
}

export { StateError };
