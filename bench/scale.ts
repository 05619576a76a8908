/**
 * Scale: many images and projects with request latency, measuring wall
 * time, requests, peak RSS, the live heap beside the results' own size, and
 * the sizes of what the action writes.
 */

import { execFile } from 'node:child_process';
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { startArrivalProxy } from './arrival-proxy.js';
import { addScaleData, shareInputs, startBenchEmulator } from './fixtures.js';
import {
  ROOT,
  actionEnv,
  createRunnerFiles,
  fileSize,
  runScript,
  type ScriptRun,
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
  /** Peak live heap of a second run that samples it; see `report-memory.mjs`. */
  peakLiveHeapBytes: number | undefined;
  /** Heap of the case's ledger and results by themselves; see `results-footprint.ts`. */
  resultsHeapBytes: number;
  /** Characters of the `results` output. */
  resultsOutputChars: number;
  outputFileBytes: number;
  summaryBytes: number;
  resultsFileBytes: number;
  logBytes: number;
}

/** Runs the action on one scale case, then again to sample its live heap. */
export async function measureScale(scaleCase: ScaleCase): Promise<ScaleSample> {
  const timed = await runCase(scaleCase, 'rss');
  const sampled = await runCase(scaleCase, 'live-heap');
  return {
    ...timed,
    peakLiveHeapBytes: sampled.peakLiveHeapBytes,
    resultsHeapBytes: await measureResultsHeap(scaleCase),
  };
}

type CaseRun = Omit<ScaleSample, 'peakLiveHeapBytes' | 'resultsHeapBytes'> &
  Pick<ScriptRun, 'peakLiveHeapBytes'>;

/** Runs the action on one scale case against a fresh emulator. */
async function runCase(
  scaleCase: ScaleCase,
  memory: 'rss' | 'live-heap',
): Promise<CaseRun> {
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
      memory,
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
      peakLiveHeapBytes: run.peakLiveHeapBytes,
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

/** Runs `results-footprint.ts` for the case in a fresh process. */
async function measureResultsHeap(scaleCase: ScaleCase): Promise<number> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      join(ROOT, 'bench', 'results-footprint.ts'),
      String(scaleCase.images),
      String(scaleCase.projects),
    ],
    { cwd: ROOT },
  );
  return Number.parseInt(stdout, 10);
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
