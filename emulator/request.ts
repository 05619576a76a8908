import type { IncomingHttpHeaders } from 'node:http';
import type { QueryPair } from './signing.js';

/** Request as the handlers see it. */
export interface ParsedRequest {
  method: string;
  /** Path exactly as sent, without the query. */
  rawPath: string;
  /** Path segments after percent-decoding, without the leading empty one. */
  segments: string[];
  query: QueryPair[];
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Splits the request target into raw path, decoded segments and query. */
export function parseTarget(
  target: string,
): Pick<ParsedRequest, 'rawPath' | 'segments' | 'query'> {
  const queryStart = target.indexOf('?');
  const rawPath = queryStart === -1 ? target : target.slice(0, queryStart);
  const rawQuery = queryStart === -1 ? '' : target.slice(queryStart + 1);
  const segments = rawPath.split('/').slice(1).map(safeDecode);
  return { rawPath, segments, query: parseQuery(rawQuery) };
}

/**
 * Parses a query string into decoded pairs; `+` means space as in HTML form
 * encoding, which axios and Go's `url.Values` both produce.
 */
export function parseQuery(rawQuery: string): QueryPair[] {
  const pairs: QueryPair[] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') {
      continue;
    }
    const equals = part.indexOf('=');
    const key = equals === -1 ? part : part.slice(0, equals);
    const value = equals === -1 ? '' : part.slice(equals + 1);
    pairs.push([
      safeDecode(key.replace(/\+/g, ' ')),
      safeDecode(value.replace(/\+/g, ' ')),
    ]);
  }
  return pairs;
}

/** Returns the first value of a query key, or undefined. */
export function queryValue(
  request: Pick<ParsedRequest, 'query'>,
  key: string,
): string | undefined {
  return request.query.find(([name]) => name === key)?.[1];
}

/** Returns a header value as one string (repeated headers joined by `, `). */
export function headerValue(
  headers: IncomingHttpHeaders,
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
