/**
 * The action's flow: inputs, then for each region a session, pre-flight,
 * the member jobs and, optionally, the wait for acceptance; then one report.
 * Every step writes into the regions' ledgers, and the report is derived
 * from the ledgers alone.
 */

import * as core from '@actions/core';

import { realSleep, systemClock, type Clock, type Sleep } from './clock.js';
import { Outputs, State } from './constants.js';
import {
  CancelledError,
  InputError,
  errorMessage,
  isStoppedByTimeout,
} from './errors.js';
import {
  readInputs,
  type ActionInputs,
  type RegionPlan,
  type Target,
} from './inputs.js';
import type { Logger } from './logger.js';
import { annotateFailures, annotateSuccess } from './report/annotations.js';
import { setOutputs, writeResultsFile } from './report/outputs.js';
import {
  computeStepStatus,
  isFailure,
  type StepStatus,
} from './report/status.js';
import { logPairs } from './report/log.js';
import { writeSummary } from './report/summary.js';
import { openSession, type Session } from './session.js';
import { waitForAcceptance } from './share/acceptance.js';
import { executeBatches } from './share/execute.js';
import { resolveImageNames } from './share/image-names.js';
import { Ledger, MergedLedger } from './share/ledger.js';
import { operationSpec, type OperationSpec } from './share/operations.js';
import { applyPreflight, readImageFacts } from './share/preflight.js';

export interface RunOptions {
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
  clock?: Clock;
  sleep?: Sleep;
}

const FAILURE_PREFIX = 'IMS image sharing failed';

const coreLogger: Logger = {
  debug: (message) => core.debug(message),
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
};

/** Context shared by the regions of one run. */
interface RunContext {
  inputs: ActionInputs;
  env: Record<string, string | undefined>;
  clock: Clock;
  sleep: Sleep;
  signal: AbortSignal;
  deadline: number;
  submitted: string[];
}

/** The result of one region's work. */
interface RegionOutcome {
  ledger: Ledger;
  session: Session | undefined;
  fatal: unknown;
  timedOut: boolean;
}

/** Runs the action once; sets outputs, the summary and the exit code. */
export async function run(options: RunOptions = {}): Promise<void> {
  const signal = options.signal ?? new AbortController().signal;
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const startedAt = clock.now();
  let inputs: ActionInputs;
  try {
    inputs = await readInputs((name) => core.getInput(name), env);
  } catch (error) {
    failBeforeStart(error, signal);
    return;
  }
  const context: RunContext = {
    inputs,
    env,
    clock,
    sleep,
    signal,
    deadline: startedAt + inputs.timeoutMs,
    submitted: [],
  };
  const outcomes: RegionOutcome[] = [];
  for (const plan of inputs.regionPlans) {
    outcomes.push(
      await core.group(`Region ${plan.region}`, () => runRegion(plan, context)),
    );
    if (signal.aborted) break;
  }
  await report(outcomes, context, clock.now() - startedAt);
}

async function runRegion(
  plan: RegionPlan,
  context: RunContext,
): Promise<RegionOutcome> {
  const { inputs } = context;
  let ledger = new Ledger(
    plan.region,
    plan.imageIds,
    targetsOf(plan, inputs, undefined),
  );
  let session: Session | undefined;
  try {
    session = await openSession(
      {
        ...inputs,
        region: plan.region,
        projectId:
          plan.projectId ??
          (plan.region === inputs.region ? inputs.projectId : undefined),
      },
      {
        env: context.env,
        clock: context.clock,
        sleep: context.sleep,
        logger: coreLogger,
        signal: context.signal,
        userAgent: 'ims-share-images-action',
        useConfiguredProject: plan.region === inputs.region,
        deadline: context.deadline,
      },
    );
    const named = await resolveImageNames(
      session.ims,
      plan.imageNames,
      plan.region,
      inputs.concurrency,
      context.signal,
    );
    const imageIds = [...new Set([...plan.imageIds, ...named])];
    ledger = new Ledger(
      plan.region,
      imageIds,
      targetsOf(plan, inputs, session.projectId),
    );
    const timedOut = await work(ledger, session, context);
    return { ledger, session, fatal: undefined, timedOut };
  } catch (error) {
    return { ledger, session, fatal: error, timedOut: false };
  } finally {
    await session?.http.close();
  }
}

/** Returns the targets of a region: the caller's own project for accept and reject. */
function targetsOf(
  plan: RegionPlan,
  inputs: ActionInputs,
  projectId: string | undefined,
): Target[] {
  if (inputs.operation !== 'accept' && inputs.operation !== 'reject')
    return plan.targets;
  const own = projectId ?? inputs.projectId;
  return own ? [{ type: 'project', id: own }] : [];
}

/** Runs pre-flight, the jobs and the acceptance wait of one region; returns whether time ran out. */
async function work(
  ledger: Ledger,
  session: Session,
  context: RunContext,
): Promise<boolean> {
  const { inputs } = context;
  const spec = operationSpec(
    inputs.operation,
    inputs.vaultId,
    session.projectId,
  );
  const preflightTimedOut = await preflight(ledger, session, spec, context);
  if (settleWithoutJobs(ledger, spec, inputs)) return preflightTimedOut;

  let timedOut = preflightTimedOut;
  if (ledger.open().length > 0) {
    const result = await executeBatches({
      ims: session.ims,
      spec,
      ledger,
      clock: context.clock,
      sleep: context.sleep,
      logger: coreLogger,
      signal: context.signal,
      wait: inputs.wait,
      deadline: context.deadline,
      concurrency: inputs.concurrency,
      limits: {
        imagesPerRequest: inputs.imagesPerRequest,
        targetsPerRequest: inputs.targetsPerRequest,
      },
      unknownOutcomeWaitMs: inputs.unknownOutcomeWaitMs,
      onJobSubmitted: (jobId) => recordJob(jobId, context),
    });
    timedOut ||= result.timedOut;
  }

  const awaitAcceptance =
    inputs.waitForAcceptance && inputs.operation === 'share' && inputs.wait;
  if (awaitAcceptance && !timedOut) {
    timedOut = await waitForAcceptance({
      ims: session.ims,
      ledger,
      clock: context.clock,
      sleep: context.sleep,
      logger: coreLogger,
      signal: context.signal,
      deadline: context.deadline,
      concurrency: inputs.concurrency,
    });
  }
  return timedOut;
}

/**
 * Reads the images and members of a region and settles the pairs that need
 * no job. Returns whether the step's timeout stopped a read.
 */
async function preflight(
  ledger: Ledger,
  session: Session,
  spec: OperationSpec,
  context: RunContext,
): Promise<boolean> {
  const facts = await readImageFacts(
    session.ims,
    [...new Set(ledger.pairs.map((pair) => pair.imageId))],
    session.projectId,
    context.inputs.concurrency,
    context.signal,
    context.inputs.operation,
  );
  applyPreflight(ledger, facts, {
    projectId: session.projectId,
    region: ledger.region,
    cloud: session.endpoints.cloud,
    spec,
  });
  logPlan(ledger);
  return [...facts.values()].some((fact) => isStoppedByTimeout(fact.readError));
}

/**
 * Settles the open pairs without submitting anything when the run is a dry
 * run, or when some pair cannot be done and on-invalid is "fail". Returns
 * whether it did.
 */
function settleWithoutJobs(
  ledger: Ledger,
  spec: OperationSpec,
  inputs: ActionInputs,
): boolean {
  if (inputs.dryRun) {
    ledger.settleRemaining(
      'planned',
      'planned',
      `Would ${spec.verb}; dry run, nothing sent.`,
    );
    return true;
  }
  // Pre-flight settles a pair `skipped` only when its image could not be
  // read, so those pairs are not known to be possible either.
  const counts = ledger.counts();
  const invalid = counts.failed + counts.skipped;
  if (inputs.onInvalid === 'fail' && invalid > 0) {
    ledger.settleRemaining(
      'skipped',
      'skipped',
      `Not attempted: ${invalid} pair(s) cannot be done or could not be checked, and on-invalid is "fail".`,
    );
    return true;
  }
  return false;
}

function recordJob(jobId: string, context: RunContext): void {
  context.submitted.push(jobId);
  core.saveState(State.JobIds, context.submitted.join(','));
  core.setOutput(Outputs.JobId, context.submitted.join('\n'));
}

function logPlan(ledger: Ledger): void {
  const counts = ledger.counts();
  core.info(
    `${ledger.pairs.length} pair(s) in ${ledger.region}: ${counts['already-shared']} already done, ` +
      `${counts['not-shared']} not shared, ${counts.failed} cannot be done, ${counts.skipped} could not be read, ${ledger.open().length} to submit.`,
  );
}

function failBeforeStart(error: unknown, signal: AbortSignal): void {
  const cancelled = signal.aborted || error instanceof CancelledError;
  core.setOutput(Outputs.Status, cancelled ? 'cancelled' : 'failed');
  core.setOutput(Outputs.Results, '[]');
  core.setFailed(
    `${FAILURE_PREFIX}: ${cancelled ? 'cancelled.' : errorMessage(error)}`,
  );
}

async function report(
  outcomes: RegionOutcome[],
  context: RunContext,
  durationMs: number,
): Promise<void> {
  const cancelled =
    context.signal.aborted ||
    outcomes.some((o) => o.fatal instanceof CancelledError);
  for (const outcome of outcomes) settleAfterStop(outcome, cancelled);
  const ledger = new MergedLedger(outcomes.map((o) => o.ledger));
  const fatal = outcomes.some((o) => o.fatal !== undefined);
  const computed = computeStepStatus(ledger.counts(), {
    cancelled,
    timedOut: outcomes.some((o) => o.timedOut),
    dryRun: context.inputs.dryRun,
  });
  // A region that stopped on an error fails the step even when it had no
  // pairs yet, such as when an image name did not resolve.
  const status: StepStatus = fatal && !cancelled ? 'failed' : computed;
  await core.group('Results', async () => {
    const file = await writeResultsFile(ledger, context.env.RUNNER_TEMP).catch(
      (error: unknown) => {
        core.warning(`Writing the results file failed: ${errorMessage(error)}`);
        return undefined;
      },
    );
    setOutputs(ledger, status, file);
    logPairs(ledger.results(), (line) => core.info(line));
  });
  if (isFailure(status)) annotateFailures(ledger);
  else if (status === 'success')
    annotateSuccess(ledger, context.inputs.operation);
  await writeSummary(ledger, {
    status,
    operation: context.inputs.operation,
    durationMs,
  });
  if (isFailure(status)) {
    core.setFailed(
      `${FAILURE_PREFIX}: ${describeOutcome(ledger, status, outcomes, context)}`,
    );
  } else if (status === 'planned') {
    const { failed, skipped } = ledger.counts();
    if (failed + skipped > 0) {
      annotateFailures(ledger);
      core.setFailed(
        `${FAILURE_PREFIX}: the dry run found ${failed} pair(s) that cannot be done and ${skipped} whose image could not be read; see the results.`,
      );
    }
  }
}

/** Settles what a fatal error or cancellation left open or waiting. */
function settleAfterStop(outcome: RegionOutcome, cancelled: boolean): void {
  if (cancelled) {
    outcome.ledger.settleRemaining(
      'unknown',
      'skipped',
      "The run was cancelled while it waited for this pair's job, which may still finish.",
      'Not attempted: the run was cancelled first.',
    );
  } else if (outcome.fatal !== undefined) {
    outcome.ledger.settleRemaining(
      'unknown',
      'failed',
      `Not done: ${describeFatal(outcome.fatal)}`,
    );
  }
}

function describeFatal(error: unknown): string {
  if (error instanceof InputError) return error.message;
  return errorMessage(error);
}

function describeOutcome(
  ledger: MergedLedger,
  status: StepStatus,
  outcomes: RegionOutcome[],
  context: RunContext,
): string {
  const counts = ledger.counts();
  const jobs = ledger.jobIds();
  const where = outcomes
    .filter((o) => o.session && o.ledger.jobIds().length > 0)
    .map(
      (o) =>
        `GET ${o.session?.endpoints.ims.origin}/v1/${o.session?.projectId}/jobs/{job_id}`,
    );
  const check =
    jobs.length > 0
      ? ` Check a job with ${where.join(' or ')}. Job IDs: ${jobs.join(', ')}.`
      : '';
  if (status === 'cancelled') {
    const inFlight = ledger.pairs.filter(
      (pair) => pair.state === 'unknown' && pair.jobId === undefined,
    ).length;
    const requests =
      inFlight > 0
        ? ` ${inFlight} pair(s) had a member request in flight, which IMS may have carried out.`
        : '';
    return `cancelled; ${jobs.length} job(s) were submitted and may still finish.${requests}${check}`;
  }
  const fatal = outcomes.find((o) => o.fatal !== undefined)?.fatal;
  if (fatal !== undefined) return `${describeFatal(fatal)}${check}`;
  const first = ledger
    .results()
    .find((r) => r.status === 'failed' || r.status === 'unknown');
  const firstText = first
    ? ` First: image ${first.image_id} with ${first.target_type} ${first.target_id} in ${first.region}: ${first.error_code ? `${first.error_code} ` : ''}${first.message ?? ''}`
    : '';
  if (status === 'timed-out') {
    const seconds = Math.round(context.inputs.timeoutMs / 1000);
    if (jobs.length === 0) {
      return `Timed out after ${seconds} s before any job was submitted. Re-run the step, or raise timeout.${firstText}`;
    }
    return `Timed out after ${seconds} s before every job${context.inputs.waitForAcceptance ? ' or acceptance' : ''} ended. Submitted jobs may still finish: re-run the step to confirm (it sends nothing that is already done), or raise timeout.${check}${firstText}`;
  }
  return `${counts.failed} of ${ledger.pairs.length} pair(s) failed, ${counts.unknown} unknown, ${counts.skipped} skipped.${firstText}${check}`;
}
