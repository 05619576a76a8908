/**
 * Waits for an IMS job to end, querying it on the poll schedule until the
 * deadline. Only the exact values `SUCCESS` and `FAIL` end the wait.
 */

import type { Clock, Sleep } from '../clock.js';
import { JobStatus } from '../constants.js';
import { ApiError, NetworkError, errorMessage } from '../errors.js';
import type { Job } from '../cloud/ims.js';
import type { Logger } from '../logger.js';
import { RETRYABLE_STATUSES, THROTTLING_CODES } from '../http/retry.js';
import { nextPollTime, type PollScheduleOptions } from './poll-schedule.js';

export type WaitResult =
  | { kind: 'ended'; job: Job; queries: number }
  | { kind: 'timed-out'; lastStatus: string | undefined; queries: number };

export interface JobWaiterOptions {
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
  /** Epoch ms after which the wait gives up. */
  deadline: number;
  /** Epoch ms at which the job was submitted; the schedule counts from it. */
  submittedAt: number;
  schedule?: PollScheduleOptions;
}

/** Queries a job: `showJob` of the IMS client. */
export type ShowJob = (jobId: string, signal: AbortSignal) => Promise<Job>;

/**
 * Polls a job until it reports `SUCCESS` or `FAIL`, or the deadline passes.
 * A query that fails after the transport's retries is logged and the wait
 * goes on, unless the error is one no retry can fix (401, 403, 404, other
 * 4xx), which is thrown.
 */
export async function waitForJob(
  showJob: ShowJob,
  jobId: string,
  signal: AbortSignal,
  options: JobWaiterOptions,
): Promise<WaitResult> {
  const { clock, sleep, logger, deadline, submittedAt } = options;
  let lastStatus: string | undefined;
  let reportedUnexpected: string | undefined;
  let pollAt = 0;
  let queries = 0;
  for (;;) {
    pollAt = nextPollTime(pollAt, options.schedule);
    const wakeAt = Math.min(submittedAt + pollAt, deadline);
    const delay = wakeAt - clock.now();
    if (delay > 0) await sleep(delay, signal);
    queries += 1;
    const job = await queryOnce(showJob, jobId, signal, logger);
    // The next time counts from now when a query ran late or took long, so
    // a slow query is never followed by a burst of catch-up queries.
    pollAt = Math.max(pollAt, clock.now() - submittedAt);
    if (job !== undefined) {
      lastStatus = job.status;
      logger.debug(`Job ${jobId} status ${JSON.stringify(job.status)}`);
      if (job.status === JobStatus.Success || job.status === JobStatus.Fail) {
        return { kind: 'ended', job, queries };
      }
      if (!isPendingStatus(job.status) && reportedUnexpected !== job.status) {
        reportedUnexpected = job.status;
        logger.warning(
          `Job ${jobId} reports the unexpected status ${JSON.stringify(job.status)}; ` +
            'waiting for SUCCESS or FAIL until the timeout.',
        );
      }
    }
    if (clock.now() >= deadline) {
      return { kind: 'timed-out', lastStatus, queries };
    }
  }
}

function isPendingStatus(status: unknown): boolean {
  return status === JobStatus.Init || status === JobStatus.Running;
}

async function queryOnce(
  showJob: ShowJob,
  jobId: string,
  signal: AbortSignal,
  logger: Logger,
): Promise<Job | undefined> {
  try {
    const job = await showJob(jobId, signal);
    if (job === undefined || job === null || typeof job !== 'object') {
      logger.warning(`Job ${jobId} query returned no body; trying again.`);
      return undefined;
    }
    return job;
  } catch (error) {
    const transient =
      error instanceof NetworkError ||
      (error instanceof ApiError &&
        (RETRYABLE_STATUSES.has(error.status) ||
          THROTTLING_CODES.has(error.code ?? '')));
    if (!transient) throw error;
    logger.warning(
      `Querying job ${jobId} failed: ${errorMessage(error).replace(/\.$/, '')}. The wait goes on.`,
    );
    return undefined;
  }
}
