/**
 * The action's flow: inputs, session, pre-flight, share, report. Every step
 * writes into the ledger, and the report is derived from the ledger alone.
 */

import * as core from '@actions/core';

import { realSleep, systemClock, type Clock, type Sleep } from './clock.js';
import { Outputs, State } from './constants.js';
import { CancelledError, InputError, errorMessage } from './errors.js';
import { readInputs, type ActionInputs } from './inputs.js';
import type { Logger } from './logger.js';
import { annotateFailures, annotateSuccess } from './report/annotations.js';
import { setOutputs, writeResultsFile } from './report/outputs.js';
import {
  computeStepStatus,
  isFailure,
  type StepStatus,
} from './report/status.js';
import { writeSummary } from './report/summary.js';
import { openSession, type Session } from './session.js';
import { executeBatches } from './share/execute.js';
import { Ledger } from './share/ledger.js';
import { applyPreflight, readImageFacts } from './share/preflight.js';

export interface RunOptions {
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
  clock?: Clock;
  sleep?: Sleep;
}

const FAILURE_PREFIX = 'Sharing IMS images failed';

const coreLogger: Logger = {
  debug: (message) => core.debug(message),
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
};

/** Runs the action once; sets outputs, the summary and the exit code. */
export async function run(options: RunOptions = {}): Promise<void> {
  const signal = options.signal ?? new AbortController().signal;
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const startedAt = clock.now();
  let ledger: Ledger | undefined;
  let session: Session | undefined;
  let fatal: unknown;
  let timedOut = false;
  try {
    const inputs = readInputs((name) => core.getInput(name), env);
    const deadline = startedAt + inputs.timeoutMs;
    session = await core.group('Connecting', () =>
      openSession(inputs, {
        env,
        clock,
        sleep,
        logger: coreLogger,
        signal,
        userAgent: 'ims-share-images-action',
        getIdToken: (audience) => core.getIDToken(audience),
      }),
    );
    const active = session;
    ledger = new Ledger(inputs.region, inputs.imageIds, inputs.targets);
    const current = ledger;
    await core.group('Checking images and members', () =>
      preflight(inputs, active, current, signal),
    );
    timedOut = await core.group('Sharing', () =>
      share(inputs, active, current, { signal, clock, sleep, deadline }),
    );
  } catch (error) {
    fatal = error;
  } finally {
    await session?.http.close();
  }
  await report(
    ledger,
    { fatal, timedOut, signal, session, env },
    clock.now() - startedAt,
  );
}

async function preflight(
  inputs: ActionInputs,
  session: Session,
  ledger: Ledger,
  signal: AbortSignal,
): Promise<void> {
  const facts = await readImageFacts(
    session.ims,
    inputs.imageIds,
    session.projectId,
    inputs.concurrency,
    signal,
  );
  applyPreflight(ledger, facts, {
    projectId: session.projectId,
    region: inputs.region,
    cloud: session.endpoints.cloud,
  });
  const counts = ledger.counts();
  core.info(
    `${ledger.pairs.length} pair(s): ${counts['already-shared']} already shared, ${counts.failed} cannot be shared, ${ledger.open().length} to share.`,
  );
  if (inputs.onInvalid === 'fail' && counts.failed > 0) {
    ledger.settleRemaining(
      'skipped',
      'skipped',
      `Not attempted: ${counts.failed} pair(s) cannot be shared and on-invalid is "fail".`,
    );
  }
}

async function share(
  inputs: ActionInputs,
  session: Session,
  ledger: Ledger,
  run: { signal: AbortSignal; clock: Clock; sleep: Sleep; deadline: number },
): Promise<boolean> {
  if (ledger.open().length === 0) {
    core.info('Nothing to submit.');
    return false;
  }
  const submitted: string[] = [];
  const result = await executeBatches({
    ims: session.ims,
    ledger,
    clock: run.clock,
    sleep: run.sleep,
    logger: coreLogger,
    signal: run.signal,
    wait: inputs.wait,
    deadline: run.deadline,
    concurrency: inputs.concurrency,
    limits: {
      imagesPerRequest: inputs.imagesPerRequest,
      targetsPerRequest: inputs.targetsPerRequest,
    },
    unknownOutcomeWaitMs: inputs.unknownOutcomeWaitMs,
    onJobSubmitted: (jobId) => {
      submitted.push(jobId);
      core.saveState(State.JobIds, submitted.join(','));
      core.setOutput(Outputs.JobId, submitted.join('\n'));
    },
  });
  return result.timedOut;
}

interface RunEnd {
  fatal: unknown;
  timedOut: boolean;
  signal: AbortSignal;
  session: Session | undefined;
  env: Record<string, string | undefined>;
}

async function report(
  ledger: Ledger | undefined,
  end: RunEnd,
  durationMs: number,
): Promise<void> {
  const { fatal, timedOut, signal, session, env } = end;
  const cancelled = signal.aborted || fatal instanceof CancelledError;
  if (ledger === undefined) {
    core.setOutput(Outputs.Status, cancelled ? 'cancelled' : 'failed');
    core.setOutput(Outputs.Results, '[]');
    core.setFailed(
      `${FAILURE_PREFIX}: ${cancelled ? 'cancelled.' : describeFatal(fatal)}`,
    );
    return;
  }
  settleAfterStop(ledger, fatal, cancelled);
  const status = computeStepStatus(ledger.counts(), { cancelled, timedOut });
  await core.group('Results', async () => {
    const file = await writeResultsFile(ledger, env.RUNNER_TEMP).catch(
      (error: unknown) => {
        core.warning(`Writing the results file failed: ${errorMessage(error)}`);
        return undefined;
      },
    );
    setOutputs(ledger, status, file);
    logPairs(ledger);
  });
  if (isFailure(status)) annotateFailures(ledger);
  else if (status === 'success') annotateSuccess(ledger);
  await writeSummary(ledger, { status, region: ledger.region, durationMs });
  if (isFailure(status)) {
    core.setFailed(
      `${FAILURE_PREFIX}: ${describeOutcome(ledger, status, fatal, session)}`,
    );
  }
}

/** Settles what a fatal error or cancellation left open or waiting. */
function settleAfterStop(
  ledger: Ledger,
  fatal: unknown,
  cancelled: boolean,
): void {
  if (cancelled) {
    ledger.settleRemaining(
      'unknown',
      'skipped',
      'The run was cancelled; a submitted job may still finish.',
    );
  } else if (fatal !== undefined) {
    ledger.settleRemaining(
      'unknown',
      'skipped',
      `Not finished: ${describeFatal(fatal)}`,
    );
  }
}

function logPairs(ledger: Ledger): void {
  for (const result of ledger.results()) {
    const extra = [result.member_status, result.error_code, result.message]
      .filter(Boolean)
      .join('; ');
    core.info(
      `${result.image_id} -> ${result.target_type} ${result.target_id}: ${result.status}${extra ? ` (${extra})` : ''}`,
    );
  }
}

function describeFatal(error: unknown): string {
  if (error instanceof InputError) return error.message;
  return errorMessage(error);
}

function describeOutcome(
  ledger: Ledger,
  status: StepStatus,
  fatal: unknown,
  session: Session | undefined,
): string {
  const counts = ledger.counts();
  const jobs = ledger.jobIds();
  const check =
    jobs.length > 0 && session
      ? ` Check a job with GET ${session.endpoints.ims.origin}/v1/${session.projectId}/jobs/{job_id}. Job IDs: ${jobs.join(', ')}.`
      : '';
  if (status === 'cancelled') {
    return `cancelled; ${jobs.length} job(s) were submitted and may still finish.${check}`;
  }
  if (fatal !== undefined) return `${describeFatal(fatal)}${check}`;
  const first = ledger
    .results()
    .find((r) => r.status === 'failed' || r.status === 'unknown');
  const firstText = first
    ? ` First: image ${first.image_id} with ${first.target_type} ${first.target_id}: ${first.error_code ? `${first.error_code} ` : ''}${first.message ?? ''}`
    : '';
  if (status === 'timed-out') {
    return `the job(s) did not end within the timeout; they may still finish.${check}${firstText}`;
  }
  return `${counts.failed} of ${ledger.pairs.length} pair(s) failed, ${counts.unknown} unknown, ${counts.skipped} skipped.${firstText}${check}`;
}
