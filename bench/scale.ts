/**
 * Scale: many images and projects with request latency, measuring wall
 * time, requests, peak RSS and the sizes of what the action writes.
 */

import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { startArrivalProxy } from './arrival-proxy.js';
import { addScaleData, shareInputs, startBenchEmulator } from './fixtures.js';
import {
  actionEnv,
  createRunnerFiles,
  fileSize,
  runScript,
} from './processes.js';
import { ACTION_SCRIPT } from './startup.js';

/** Parameters of one scale case. */
export interface ScaleCase {
  images: number;
  projects: number;
  latencyMs: number;
  jobMs: number;
  concurrency: number;
}

/** Pairs per batch request: the defaults of images-per-request and targets-per-request. */
export const BATCH_LIMIT = 100;

/** What one scale run measured. */
export interface ScaleSample {
  scaleCase: ScaleCase;
  exitCode: number | null;
  wallMs: number;
  requests: number;
  requestsByRoute: Record<string, number>;
  peakInFlight: number;
  maxRssKiB: number | undefined;
  /** Characters of the `results` output. */
  resultsOutputChars: number;
  outputFileBytes: number;
  summaryBytes: number;
  resultsFileBytes: number;
  logBytes: number;
}

/** Runs the action on one scale case against a fresh emulator. */
export async function measureScale(scaleCase: ScaleCase): Promise<ScaleSample> {
  const emulator = await startBenchEmulator({
    latencyMs: scaleCase.latencyMs,
    jobDurationMs: scaleCase.jobMs,
  });
  const data = addScaleData(emulator, scaleCase.images, scaleCase.projects);
  const proxy = await startArrivalProxy(emulator.url, () => emulator.now());
  const files = await createRunnerFiles();
  try {
    const inputs = {
      ...shareInputs(proxy.url, data.imageIds, data.projectIds),
      concurrency: String(scaleCase.concurrency),
      timeout: '10m',
    };
    const run = await runScript({
      script: ACTION_SCRIPT,
      env: actionEnv(inputs, files),
      measureRss: true,
      killAfterMs: 15 * 60_000,
    });
    const output = await readFile(files.output, 'utf8');
    return {
      scaleCase,
      exitCode: run.exitCode,
      wallMs: run.exitedAt - run.startedAt,
      requests: emulator.requests.length,
      requestsByRoute: countRoutes(emulator.requests),
      peakInFlight: proxy.peakInFlight(),
      maxRssKiB: run.maxRssKiB,
      resultsOutputChars: resultsOutputLength(output),
      outputFileBytes: Buffer.byteLength(output),
      summaryBytes: await fileSize(files.summary),
      resultsFileBytes: await resultsFileSize(files.dir),
      logBytes: run.stdoutBytes,
    };
  } finally {
    await proxy.close();
    await emulator.close();
    await rm(files.dir, { recursive: true, force: true });
  }
}

function countRoutes(
  requests: readonly { route: string | null }[],
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of requests) {
    const route = request.route ?? 'unknown';
    counts[route] = (counts[route] ?? 0) + 1;
  }
  return counts;
}

/** Returns the length of the `results` value in a GITHUB_OUTPUT file. */
function resultsOutputLength(output: string): number {
  const match = /^results<<(.+)$/m.exec(output);
  if (!match) return 0;
  const start = output.indexOf('\n', match.index) + 1;
  const end = output.indexOf(`\n${match[1]}`, start);
  return end < start ? 0 : end - start;
}

async function resultsFileSize(dir: string): Promise<number> {
  const names = await readdir(dir);
  const name = names.find((n) => n.startsWith('ims-share-results-'));
  return name === undefined ? 0 : fileSize(join(dir, name));
}

/** Returns the number of batch requests the action plans for a case. */
export function batchCount(scaleCase: ScaleCase): number {
  return (
    Math.ceil(scaleCase.images / BATCH_LIMIT) *
    Math.ceil(scaleCase.projects / BATCH_LIMIT)
  );
}
