import { randomBytes, randomUUID } from 'node:crypto';

/** Creates a random lower-case hex string of `length` characters. */
export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
}

/** Creates a request ID: 32 hex characters, as in `X-Request-Id`. */
export function newRequestId(): string {
  return randomHex(32);
}

/** Creates a job ID: 32 hex characters, as IMS returns in `job_id`. */
export function newJobId(): string {
  return randomHex(32);
}

/** Creates an image ID (UUID). */
export function newImageId(): string {
  return randomUUID();
}

/** Pattern of project and domain IDs: 32 lower-case hex characters. */
export const HEX32 = /^[0-9a-f]{32}$/;

/** Pattern of image IDs: a UUID in lower case. */
export const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Pattern of Organizations URNs: organization, root or organizational unit,
 * for example `organizations::{account_id}:ou:o-xxxx/ou-xxxx`.
 */
export const ORGANIZATION_URN =
  /^organizations::([0-9a-f]{32}):(organization:o-[0-9a-z]+|root:o-[0-9a-z]+\/r-[0-9a-z]+|ou:o-[0-9a-z]+\/ou-[0-9a-z-]+)$/;
