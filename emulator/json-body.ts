/** Reading request bodies of the IAM and STS routes. */
import { iamError } from './reply.js';

/** Parses a request body as JSON; raises a 400 IAM error when it is not. */
export function readJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw iamError(400, 'Bad Request', 'The request body is not valid JSON.');
  }
}

/** Returns the value at a key path of a parsed body, or undefined. */
export function pick(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
