/**
 * Time as a parameter: production code takes a `Clock` and a `Sleep` so that
 * poll and retry schedules can be tested with a fake clock.
 */

import { CancelledError } from './errors.js';

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** Waits `ms` milliseconds; rejects with `CancelledError` as soon as `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const systemClock: Clock = { now: () => Date.now() };

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CancelledError('Cancelled before the wait began'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancelledError('Cancelled while waiting'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
