/**
 * Reference pollers for the job-end benchmark. They submit the same signed
 * share request and query the job with the action's own IMS client and HTTP
 * stack (`src/cloud/ims.ts`, `src/http/client.ts`), so only the schedule
 * differs from the action.
 */

import { createAkSkAuthorizer } from '../src/auth/signer.js';
import { ImsClient } from '../src/cloud/ims.js';
import { HttpClient } from '../src/http/client.js';
import { OWNER } from './fixtures.js';

/** Returns the wait before query number `index` (0 for the first), in ms. */
export type WaitSchedule = (index: number) => number;

/** A fixed interval: the first query one interval after the submit. */
export function fixedSchedule(intervalMs: number): WaitSchedule {
  return () => intervalMs;
}

/**
 * The wait of Terraform's `StateChangeConf.WaitForStateContext`
 * (terraform-plugin-sdk v2, helper/resource/state.go) without
 * `PollInterval`: `Delay` before the first refresh, then a wait that starts
 * at 100 ms and doubles after every refresh, raised to `MinTimeout` and
 * capped at 10 s.
 */
export function stateChangeConfSchedule(
  delayMs: number,
  minTimeoutMs: number,
): WaitSchedule {
  return (index) => {
    if (index === 0) return delayMs;
    const doubled = 100 * 2 ** index;
    return Math.min(Math.max(doubled, minTimeoutMs), 10_000);
  };
}

/** Returns the query times, in ms after the submit, up to `untilMs`. */
export function queryTimes(schedule: WaitSchedule, untilMs: number): number[] {
  const times: number[] = [];
  let at = 0;
  for (let index = 0; at < untilMs && index < 10_000; index++) {
    at += schedule(index);
    times.push(at);
  }
  return times;
}

/** What a poller observed. */
export interface PollerRun {
  jobId: string;
  queries: number;
  status: string;
}

/**
 * Submits a share of `images` with `projects` at `url`, then queries the
 * job on `schedule` until it reads SUCCESS or FAIL, at most `maxQueries`
 * times.
 */
export async function runPoller(
  url: string,
  body: { images: string[]; projects: string[] },
  schedule: WaitSchedule,
  maxQueries: number,
): Promise<PollerRun> {
  const http = new HttpClient({
    authorize: createAkSkAuthorizer({
      accessKey: OWNER.ak,
      secretKey: OWNER.sk,
    }),
  });
  const ims = new ImsClient(http, new URL(url), OWNER.projectId);
  const signal = new AbortController().signal;
  try {
    const jobId = await ims.batchAddMembers(body, signal);
    for (let index = 0; index < maxQueries; index++) {
      await sleep(schedule(index));
      const job = await ims.showJob(jobId, signal);
      if (job.status === 'SUCCESS' || job.status === 'FAIL') {
        return { jobId, queries: index + 1, status: job.status };
      }
    }
    return { jobId, queries: maxQueries, status: 'gave up' };
  } finally {
    await http.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
