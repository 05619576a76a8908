/**
 * When to query a job. Member jobs usually end within a few seconds, so the
 * first 5.4 s are polled every 0.45 s; after that each wait is 19% of the
 * time elapsed since submission, capped at 30 s.
 *
 * Worst case for a job that ends T seconds after submission (request
 * latency excluded):
 * - T <= 5.4: noticed less than 0.45 s after its end, after ceil(T / 0.45)
 *   queries.
 * - T > 5.4: noticed less than 0.19 * T after its end (or 30 s once the cap
 *   applies, from T of about 158 s), after 12 + ceil(ln(T / 5.4) / ln(1.19))
 *   queries while the cap does not apply.
 */

export interface PollScheduleOptions {
  /** Interval of the first phase, in ms. */
  fastIntervalMs: number;
  /** Polls of the first phase. */
  fastPolls: number;
  /** Each later wait as a fraction of the time elapsed since submission. */
  growth: number;
  /** Maximum wait between two queries, in ms. */
  maxIntervalMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollScheduleOptions = {
  fastIntervalMs: 450,
  fastPolls: 12,
  growth: 0.19,
  maxIntervalMs: 30_000,
};

/**
 * Returns the time of the next query, in ms since the job was submitted,
 * given the time of the previous one (0 for the first query).
 */
export function nextPollTime(
  previousMs: number,
  options: PollScheduleOptions = DEFAULT_POLL_SCHEDULE,
): number {
  const fastPhaseEnd = options.fastIntervalMs * options.fastPolls;
  if (previousMs < fastPhaseEnd) {
    const step = Math.floor(previousMs / options.fastIntervalMs) + 1;
    return step * options.fastIntervalMs;
  }
  const interval = Math.min(previousMs * options.growth, options.maxIntervalMs);
  return previousMs + interval;
}
