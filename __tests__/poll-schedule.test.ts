import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLL_SCHEDULE,
  nextPollTime,
} from '../src/share/poll-schedule.js';

/** Returns the first `count` query times, in ms since submission. */
function pollTimes(count: number): number[] {
  const times: number[] = [];
  let previous = 0;
  for (let i = 0; i < count; i += 1) {
    previous = nextPollTime(previous);
    times.push(previous);
  }
  return times;
}

/** Returns when a job that ends `endMs` after submission is first seen ended. */
function firstPollAtOrAfter(endMs: number): {
  timeMs: number;
  queries: number;
} {
  let previous = 0;
  for (let queries = 1; queries <= 10_000; queries += 1) {
    previous = nextPollTime(previous);
    if (previous >= endMs) return { timeMs: previous, queries };
  }
  throw new Error(`No poll reached ${endMs} ms`);
}

describe('nextPollTime', () => {
  it('polls every 450 ms at first', () => {
    expect(pollTimes(12)).toEqual([
      450, 900, 1350, 1800, 2250, 2700, 3150, 3600, 4050, 4500, 4950, 5400,
    ]);
  });

  it('grows 19% after 12 polls', () => {
    const times = pollTimes(14);
    expect(times[12]).toBeCloseTo(5400 * 1.19, 6);
    expect(times[13]).toBeCloseTo(5400 * 1.19 ** 2, 6);
  });

  it('keeps growing by 19%', () => {
    const times = pollTimes(30);
    for (let i = 12; i < times.length; i += 1) {
      const previous = times[i - 1] as number;
      if (previous * 0.19 >= 30_000) break;
      expect(times[i]).toBeCloseTo(previous * 1.19, 6);
    }
  });

  it('caps the interval at 30 s', () => {
    expect(nextPollTime(200_000)).toBe(230_000);
    expect(nextPollTime(1_000_000)).toBe(1_030_000);
  });

  it('starts the cap near 158 s', () => {
    expect(nextPollTime(150_000)).toBeCloseTo(178_500, 6);
    expect(nextPollTime(160_000)).toBe(190_000);
  });

  it('realigns off-grid times to 450 ms', () => {
    expect(nextPollTime(500)).toBe(900);
    expect(nextPollTime(5399)).toBe(5400);
  });

  it('follows custom options', () => {
    const options = {
      fastIntervalMs: 100,
      fastPolls: 2,
      growth: 0.5,
      maxIntervalMs: 150,
    };
    expect(nextPollTime(0, options)).toBe(100);
    expect(nextPollTime(100, options)).toBe(200);
    expect(nextPollTime(200, options)).toBe(300);
    expect(nextPollTime(300, options)).toBe(450);
    expect(nextPollTime(450, options)).toBe(600);
  });

  it('uses the documented defaults', () => {
    expect(DEFAULT_POLL_SCHEDULE).toEqual({
      fastIntervalMs: 450,
      fastPolls: 12,
      growth: 0.19,
      maxIntervalMs: 30_000,
    });
  });
});

describe('poll schedule worst case', () => {
  it.each([
    [1, 3],
    [5, 12],
  ])('job of %i s in fast phase', (seconds, expectedQueries) => {
    const seen = firstPollAtOrAfter(seconds * 1000);
    expect(seen.queries).toBe(expectedQueries);
    expect(seen.queries).toBe(Math.ceil(seconds / 0.45));
    expect(seen.timeMs - seconds * 1000).toBeLessThan(450);
  });

  it.each([
    [30, 22],
    [120, 30],
  ])('job of %i s in growth phase', (seconds, expectedQueries) => {
    const seen = firstPollAtOrAfter(seconds * 1000);
    expect(seen.queries).toBe(expectedQueries);
    expect(seen.queries).toBe(
      12 + Math.ceil(Math.log(seconds / 5.4) / Math.log(1.19)),
    );
    expect(seen.timeMs - seconds * 1000).toBeLessThan(0.19 * seconds * 1000);
  });

  it.each([200, 600, 3600])('job of %i s under cap', (seconds) => {
    const seen = firstPollAtOrAfter(seconds * 1000);
    expect(seen.timeMs - seconds * 1000).toBeLessThan(30_000);
  });
});
