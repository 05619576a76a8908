/**
 * Time to notice the end of a job: the action against reference pollers,
 * for jobs of fixed length on the emulator clock.
 */

import { rm } from 'node:fs/promises';

import type { Emulator } from '../emulator/index.js';
import {
  DEFAULT_POLL_SCHEDULE,
  nextPollTime,
} from '../src/share/poll-schedule.js';
import { startArrivalProxy, type ArrivalProxy } from './arrival-proxy.js';
import {
  DEMO_IMAGE,
  PARTNER_PROJECT,
  shareInputs,
  startBenchEmulator,
} from './fixtures.js';
import {
  fixedSchedule,
  queryTimes,
  runPoller,
  stateChangeConfSchedule,
  type WaitSchedule,
} from './pollers.js';
import { actionEnv, createRunnerFiles, runScript } from './processes.js';
import { ACTION_SCRIPT } from './startup.js';

/** Contenders of the job-end comparison, in table order. */
export const POLLERS = [
  'action',
  'fixed 1 s',
  'Terraform StateChangeConf',
  'fixed 10 s',
] as const;
export type Poller = (typeof POLLERS)[number];

const SCHEDULES: Record<Exclude<Poller, 'action'>, WaitSchedule> = {
  'fixed 1 s': fixedSchedule(1000),
  'Terraform StateChangeConf': stateChangeConfSchedule(1000, 1000),
  'fixed 10 s': fixedSchedule(10_000),
};

/** One measured wait. */
export interface JobEndSample {
  poller: Poller;
  jobMs: number;
  /** ms from the job's end to the arrival of the query that saw it. */
  noticedMs: number;
  /** ms from the job's end to the action's exit; NaN for the pollers. */
  exitMs: number;
  queries: number;
}

/** Measures one wait of `poller` for a job of `jobMs` emulator ms. */
export async function measureJobEnd(
  poller: Poller,
  jobMs: number,
): Promise<JobEndSample> {
  const emulator = await startBenchEmulator({ jobDurationMs: jobMs });
  const proxy = await startArrivalProxy(emulator.url, () => emulator.now());
  try {
    const exitClockMs = await runContender(poller, proxy.url, emulator);
    return summarize(poller, jobMs, emulator, proxy, exitClockMs);
  } finally {
    await proxy.close();
    await emulator.close();
  }
}

async function runContender(
  poller: Poller,
  url: string,
  emulator: Emulator,
): Promise<number> {
  const body = { images: [DEMO_IMAGE], projects: [PARTNER_PROJECT] };
  if (poller !== 'action') {
    await runPoller(url, body, SCHEDULES[poller], 1000);
    return Number.NaN;
  }
  const files = await createRunnerFiles();
  let exitClockMs = Number.NaN;
  try {
    const inputs = shareInputs(url, body.images, body.projects);
    const run = await runScript({
      script: ACTION_SCRIPT,
      env: actionEnv({ ...inputs, timeout: '10m' }, files),
      killAfterMs: 15 * 60_000,
      onExit: () => (exitClockMs = emulator.now()),
    });
    if (run.exitCode !== 0) {
      throw new Error(`The action exited with ${run.exitCode}: ${run.stderr}`);
    }
  } finally {
    await rm(files.dir, { recursive: true, force: true });
  }
  return exitClockMs;
}

function summarize(
  poller: Poller,
  jobMs: number,
  emulator: Emulator,
  proxy: ArrivalProxy,
  exitClockMs: number,
): JobEndSample {
  const job = emulator.jobs()[0];
  if (job === undefined || job.durationMs === null) {
    throw new Error(`${poller}: no finished job in the emulator.`);
  }
  const endMs = job.beginMs + job.durationMs;
  const queries = proxy.arrivals.filter((a) => /\/jobs\//.test(a.path));
  const last = queries[queries.length - 1];
  return {
    poller,
    jobMs,
    noticedMs: last ? last.clockMs - endMs : Number.NaN,
    exitMs: exitClockMs - endMs,
    queries: emulator.requests.filter((r) => r.route === 'showJob').length,
  };
}

/** Prediction of a schedule for a job of `jobMs`, request latency excluded. */
export interface Prediction {
  noticedMs: number;
  queries: number;
}

/** Returns where `poller`'s schedule notices a job of `jobMs`. */
export function predict(poller: Poller, jobMs: number): Prediction {
  const times =
    poller === 'action'
      ? actionQueryTimes(jobMs)
      : queryTimes(SCHEDULES[poller], jobMs);
  const last = times[times.length - 1] ?? 0;
  return { noticedMs: last - jobMs, queries: times.length };
}

function actionQueryTimes(untilMs: number): number[] {
  const times: number[] = [];
  let at = 0;
  while (at < untilMs && times.length < 10_000) {
    at = nextPollTime(at, DEFAULT_POLL_SCHEDULE);
    times.push(at);
  }
  return times;
}

/** Returns the header formula's worst case for a job of `jobMs`. */
export function worstCase(jobMs: number): Prediction {
  const { fastIntervalMs, fastPolls, growth, maxIntervalMs } =
    DEFAULT_POLL_SCHEDULE;
  const fastEnd = fastIntervalMs * fastPolls;
  if (jobMs <= fastEnd) {
    return {
      noticedMs: fastIntervalMs,
      queries: Math.ceil(jobMs / fastIntervalMs),
    };
  }
  const growthSteps = Math.ceil(
    Math.log(jobMs / fastEnd) / Math.log(1 + growth),
  );
  return {
    noticedMs: Math.min(growth * jobMs, maxIntervalMs),
    queries: fastPolls + growthSteps,
  };
}
