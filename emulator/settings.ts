import type { Settings } from './types.js';

/** Returns the default settings (Huawei Cloud values where documented). */
export function defaultSettings(): Settings {
  return {
    failedPairMode: 'partial',
    resultItems: 'full',
    existingMember: 'no-op',
    memberLimit: 128,
    wholeImageMemberLimit: 10,
    maxImagesPerRequest: null,
    maxTargetsPerRequest: null,
    encryptedImages: 'refuse-all',
    jobDurationMs: 2000,
    jobInitFraction: 0.25,
    latencyMs: 0,
    tokenTtlMs: 24 * 60 * 60 * 1000,
    maxClockSkewMs: 15 * 60 * 1000,
    idTokenLeewayMs: 60 * 1000,
  };
}
