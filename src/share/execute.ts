/**
 * Submits the batches with bounded concurrency, waits for each job, and
 * writes every outcome into the ledger.
 */

import type { Clock, Sleep } from '../clock.js';
import type { ImageMember, ImsClient, Job } from '../cloud/ims.js';
import {
  ApiError,
  CancelledError,
  NetworkError,
  errorMessage,
  isStoppedByTimeout,
} from '../errors.js';
import type { Logger } from '../logger.js';
import { planBatches, type Batch, type BatchLimits } from './batches.js';
import { mapWithConcurrency } from './concurrency.js';
import { waitForJob } from './job-waiter.js';
import type { Ledger, Pair } from './ledger.js';
import { decideOutcome, findResultItem } from './outcome.js';
import type { OperationSpec } from './operations.js';
import { memberMatches } from './preflight.js';
import type { PollScheduleOptions } from './poll-schedule.js';

export interface ExecuteOptions {
  ims: ImsClient;
  /** The operation: the request to submit and the member state that counts as done. */
  spec: OperationSpec;
  ledger: Ledger;
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
  signal: AbortSignal;
  wait: boolean;
  /** Epoch ms after which no job is submitted and no wait goes on. */
  deadline: number;
  concurrency: number;
  limits: BatchLimits;
  /** How long to watch the members after a submit whose response was lost. */
  unknownOutcomeWaitMs: number;
  /** Interval of those member reads, in ms. */
  reconcileIntervalMs?: number;
  schedule?: PollScheduleOptions;
  /** Called once per job, as soon as its ID is known. */
  onJobSubmitted(jobId: string): void;
}

/** Resubmits after a lost response at most this often per pair. */
const MAX_SUBMIT_ROUNDS = 3;

export interface ExecuteResult {
  /** Whether the deadline stopped a wait or a submission. */
  timedOut: boolean;
}

/** Options plus the state that the batches of one run share. */
type Context = ExecuteOptions & { result: ExecuteResult };

/** Shares the open pairs of the ledger, batch by batch. */
export async function executeBatches(
  options: ExecuteOptions,
): Promise<ExecuteResult> {
  const context: Context = { ...options, result: { timedOut: false } };
  const batches = planBatches(options.ledger.open(), options.limits);
  options.logger.info(
    `Submitting ${batches.length} batch request(s) with up to ${options.concurrency} at a time.`,
  );
  await mapWithConcurrency(batches, options.concurrency, (batch) =>
    runBatch(batch, context, 1),
  );
  return context.result;
}

async function runBatch(
  batch: Batch,
  options: Context,
  round: number,
): Promise<void> {
  const { ims, ledger, clock, logger, signal } = options;
  if (clock.now() >= options.deadline) {
    options.result.timedOut = true;
    for (const pair of batch.pairs) {
      ledger.settle(pair, 'skipped', {
        message: 'Not submitted: the timeout passed before this batch started.',
      });
    }
    return;
  }
  let jobId: string;
  try {
    jobId = await options.spec.submit(ims, batch, signal);
  } catch (error) {
    await handleSubmitError(batch, error, options, round);
    return;
  }
  ledger.markInJob(batch.pairs, jobId);
  options.onJobSubmitted(jobId);
  logger.info(
    `Submitted job ${jobId} to ${options.spec.verb}: ${batch.images.length} image(s), ${batch.targets.length} target(s).`,
  );
  if (!options.wait) {
    for (const pair of batch.pairs) {
      ledger.settle(pair, 'submitted', {
        message: `Job ${jobId} was submitted; the action did not wait for it.`,
      });
    }
    return;
  }
  await awaitJob(batch, jobId, options);
}

async function handleSubmitError(
  batch: Batch,
  error: unknown,
  options: Context,
  round: number,
): Promise<void> {
  const { ledger } = options;
  if (error instanceof CancelledError) {
    if (error.mayHaveReachedServer) {
      settleUnsettled(
        batch,
        ledger,
        `The run was cancelled while the request to ${options.spec.verb} was in flight, so IMS may have carried it out. Re-run the step to confirm.`,
      );
    }
    throw error;
  }
  if (isOutcomeUnknown(error)) {
    let reconciled: { missing: Pair[]; membersRead: boolean };
    try {
      reconciled = await reconcileLostSubmit(batch, error, options);
    } catch (watchError) {
      if (watchError instanceof CancelledError) {
        settleUnsettled(
          batch,
          ledger,
          `The run was cancelled while it checked whether a request to ${options.spec.verb} whose response was lost had been carried out. Re-run the step to confirm.`,
        );
      }
      throw watchError;
    }
    const { missing, membersRead } = reconciled;
    if (missing.length === 0) return;
    // Without a member listing, a resubmit could repeat a change the lost
    // request already made, so the pairs stay unknown.
    if (
      !membersRead ||
      round >= MAX_SUBMIT_ROUNDS ||
      options.clock.now() >= options.deadline
    ) {
      for (const pair of missing) {
        ledger.settle(pair, 'unknown', {
          message: `The request was sent, but its response was lost and the members do not show the change yet: ${errorMessage(error)}`,
        });
      }
      return;
    }
    for (const retry of planBatches(missing, options.limits)) {
      await runBatch(retry, options, round + 1);
    }
    return;
  }
  if (isStoppedByTimeout(error)) {
    // Only failures that surely left IMS untouched are retried, so the
    // pairs were not shared by this request.
    options.result.timedOut = true;
    for (const pair of batch.pairs) {
      ledger.settle(pair, 'skipped', {
        message: `Not submitted before the step's timeout: ${errorMessage(error)}`,
      });
    }
    return;
  }
  if (error instanceof ApiError || error instanceof NetworkError) {
    const code = error instanceof ApiError ? error.code : error.code;
    for (const pair of batch.pairs) {
      ledger.settle(pair, 'failed', {
        errorCode: code,
        message: errorMessage(error),
      });
    }
    return;
  }
  throw error;
}

/** Returns whether the service may still have carried out a failed submit. */
export function isOutcomeUnknown(error: unknown): boolean {
  return (
    (error instanceof NetworkError && error.mayHaveReachedServer) ||
    (error instanceof ApiError && error.outcomeUnknown)
  );
}

/**
 * Watches the members for a bounded while after a submit whose response was
 * lost, settling each pair that appears, and returns the pairs still missing
 * and whether the last member read succeeded.
 */
async function reconcileLostSubmit(
  batch: Batch,
  error: unknown,
  options: ExecuteOptions,
): Promise<{ missing: Pair[]; membersRead: boolean }> {
  const { clock, logger, ledger } = options;
  const note = `The outcome of a request to ${options.spec.verb} was unknown (${errorMessage(error)}).`;
  for (const pair of batch.pairs) ledger.addNote(pair, note);
  const until = Math.min(
    clock.now() + options.unknownOutcomeWaitMs,
    options.deadline,
  );
  logger.warning(
    `${note} IMS may have started a job. Reading the members for up to ${Math.round((until - clock.now()) / 1000)} s before submitting only what is missing.`,
  );
  let missing = batch.pairs;
  for (;;) {
    const members = await readMembersOrUndefined(batch.images, options);
    const membersRead = members !== undefined;
    const still: Pair[] = [];
    for (const pair of missing) {
      const list = members?.get(pair.imageId);
      const member = list?.find((m) => memberMatches(m, pair.target));
      if (list !== undefined && options.spec.isDone(member)) {
        ledger.settle(pair, 'success', {
          memberStatus: member?.status,
          message: 'Done by the request whose response was lost.',
        });
      } else {
        still.push(pair);
      }
    }
    missing = still;
    if (missing.length === 0 || clock.now() >= until) {
      return { missing, membersRead };
    }
    const interval = options.reconcileIntervalMs ?? 2000;
    await options.sleep(
      Math.min(interval, until - clock.now()),
      options.signal,
    );
  }
}

async function awaitJob(
  batch: Batch,
  jobId: string,
  options: Context,
): Promise<void> {
  const { ims, ledger, clock, logger, signal } = options;
  let job: Job;
  try {
    const result = await waitForJob(
      (id, s) => ims.showJob(id, s),
      jobId,
      signal,
      {
        clock,
        sleep: options.sleep,
        logger,
        deadline: options.deadline,
        submittedAt: clock.now(),
        ...(options.schedule ? { schedule: options.schedule } : {}),
      },
    );
    if (result.kind === 'timed-out') {
      options.result.timedOut = true;
      settleUnsettled(
        batch,
        ledger,
        `Job ${jobId} did not end before the timeout (last status ${result.lastStatus ?? 'unknown'}). It may still finish.`,
      );
      return;
    }
    job = result.job;
  } catch (error) {
    if (!(error instanceof ApiError || error instanceof NetworkError))
      throw error;
    if (error.stoppedByTimeout) options.result.timedOut = true;
    settleUnsettled(
      batch,
      ledger,
      `Waiting for job ${jobId} failed: ${errorMessage(error)}`,
    );
    return;
  }
  logger.info(`Job ${jobId} ended with ${job.status}.`);
  const members = await readMembersOrUndefined(batch.images, options);
  for (const pair of batch.pairs) {
    const item = findResultItem(job, pair, batch.targets.length);
    const outcome = decideOutcome(
      pair,
      job,
      item,
      members?.get(pair.imageId),
      options.spec,
    );
    ledger.settle(pair, outcome.status, outcome);
  }
}

/** Settles the batch's pairs that no step has settled yet as `unknown`. */
function settleUnsettled(batch: Batch, ledger: Ledger, message: string): void {
  for (const pair of batch.pairs) {
    if (pair.state === 'open' || pair.state === 'in-job') {
      ledger.settle(pair, 'unknown', { message });
    }
  }
}

async function readMembers(
  images: string[],
  options: ExecuteOptions,
): Promise<Map<string, ImageMember[]>> {
  const entries = await mapWithConcurrency(
    images,
    options.concurrency,
    async (id) => {
      const members = await options.ims.listImageMembers(id, options.signal);
      return [id, members] as const;
    },
  );
  return new Map(entries);
}

async function readMembersOrUndefined(
  images: string[],
  options: ExecuteOptions,
): Promise<Map<string, ImageMember[]> | undefined> {
  try {
    return await readMembers(images, options);
  } catch (error) {
    if (!(error instanceof ApiError || error instanceof NetworkError))
      throw error;
    options.logger.warning(
      `Reading the members to confirm the job's outcome failed: ${errorMessage(error)}`,
    );
    return undefined;
  }
}
