import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../src/share/concurrency.js';

/** Yields to the microtask queue `count` times, so tasks interleave without timers. */
async function yieldTimes(count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) await Promise.resolve();
}

describe('mapWithConcurrency', () => {
  it('returns results in item order', async () => {
    const results = await mapWithConcurrency([5, 1, 3, 0, 2], 3, async (n) => {
      await yieldTimes(n * 3);
      return n * 10;
    });
    expect(results).toEqual([50, 10, 30, 0, 20]);
  });

  it('passes each item and index', async () => {
    const seen: string[] = [];
    await mapWithConcurrency(['a', 'b', 'c'], 2, async (item, index) => {
      seen.push(`${index}:${item}`);
    });
    expect(seen.sort()).toEqual(['0:a', '1:b', '2:c']);
  });

  it('returns an empty array', async () => {
    let calls = 0;
    const results = await mapWithConcurrency([], 4, async () => {
      calls += 1;
    });
    expect(results).toEqual([]);
    expect(calls).toBe(0);
  });

  it('runs with a limit below one', async () => {
    const results = await mapWithConcurrency([1, 2], 0, async (n) => n);
    expect(results).toEqual([1, 2]);
  });

  it('respects the limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 6 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 6 }),
        async (delays, limit) => {
          let active = 0;
          let maxActive = 0;
          const results = await mapWithConcurrency(
            delays,
            limit,
            async (delay, index) => {
              active += 1;
              maxActive = Math.max(maxActive, active);
              await yieldTimes(delay);
              active -= 1;
              return index;
            },
          );
          expect(maxActive).toBeLessThanOrEqual(limit);
          expect(maxActive).toBe(Math.min(limit, delays.length));
          expect(results).toEqual(delays.map((_, i) => i));
        },
      ),
    );
  });
});

describe('mapWithConcurrency failures', () => {
  it('rejects with the first failure', async () => {
    const failure = new Error('task 3 failed');
    const events: string[] = [];
    const run = mapWithConcurrency(
      Array.from({ length: 10 }, (_, i) => i),
      2,
      async (i) => {
        events.push(`start ${i}`);
        await yieldTimes((i % 3) + 1);
        if (i === 3) {
          events.push(`fail ${i}`);
          throw failure;
        }
        events.push(`end ${i}`);
        return i;
      },
    );
    await expect(run).rejects.toBe(failure);
    const failedAt = events.indexOf('fail 3');
    expect(failedAt).toBeGreaterThan(-1);
    expect(events.slice(failedAt).filter((e) => e.startsWith('start'))).toEqual(
      [],
    );
    expect(events).not.toContain('start 9');
  });

  it('waits for started tasks', async () => {
    const failure = new Error('fast failure');
    const finished: number[] = [];
    const run = mapWithConcurrency([0, 1, 2], 3, async (i) => {
      if (i === 0) throw failure;
      await yieldTimes(10);
      finished.push(i);
      return i;
    });
    await expect(run).rejects.toBe(failure);
    expect(finished).toEqual([1, 2]);
  });

  it('keeps the earliest rejection', async () => {
    const slow = new Error('slow failure');
    const fast = new Error('fast failure');
    const run = mapWithConcurrency([0, 1], 2, async (i) => {
      await yieldTimes(i === 0 ? 8 : 1);
      throw i === 0 ? slow : fast;
    });
    await expect(run).rejects.toBe(fast);
  });

  it('catches a synchronous throw', async () => {
    const failure = new Error('sync failure');
    const started: number[] = [];
    const run = mapWithConcurrency([0, 1, 2], 1, (i) => {
      started.push(i);
      if (i === 0) throw failure;
      return Promise.resolve(i);
    });
    await expect(run).rejects.toBe(failure);
    expect(started).toEqual([0]);
  });
});
