import { imsError } from './reply.js';
import { queryValue, type ParsedRequest } from './request.js';

/** Page of items plus the key to continue after, if more remain. */
export interface Page<T> {
  items: T[];
  nextKey: string | null;
}

/** Reads `limit` (1 to 1000, default 500); anything else is IMG.0001. */
export function readLimit(request: ParsedRequest): number {
  const raw = queryValue(request, 'limit');
  if (raw === undefined) {
    return 500;
  }
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > 1000) {
    throw imsError(
      400,
      'IMG.0001',
      `The request is malformed: limit must be an integer from 1 to 1000, got ${JSON.stringify(raw)}.`,
    );
  }
  return limit;
}

/**
 * Returns the items after the one whose key equals `afterKey` (all items
 * when null). An unknown key is IMG.0001.
 */
export function pageAfter<T>(
  items: T[],
  keyOf: (item: T) => string,
  afterKey: string | null,
  limit: number,
): Page<T> {
  let start = 0;
  if (afterKey !== null) {
    const index = items.findIndex((item) => keyOf(item) === afterKey);
    if (index === -1) {
      throw imsError(
        400,
        'IMG.0001',
        `The request is malformed: marker ${JSON.stringify(afterKey)} is not valid.`,
      );
    }
    start = index + 1;
  }
  const slice = items.slice(start, start + limit);
  const more = start + limit < items.length;
  const last = slice[slice.length - 1];
  return {
    items: slice,
    nextKey: more && last !== undefined ? keyOf(last) : null,
  };
}

/** Encodes a member listing marker: base64 of the last member ID. */
export function encodeMarker(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64');
}

/** Decodes a member listing marker; a malformed one is IMG.0001. */
export function decodeMarker(marker: string | undefined): string | null {
  if (marker === undefined || marker === '') {
    return null;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(marker)) {
    throw imsError(
      400,
      'IMG.0001',
      `The request is malformed: marker ${JSON.stringify(marker)} is not valid.`,
    );
  }
  return Buffer.from(marker, 'base64').toString('utf8');
}
