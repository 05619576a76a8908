/**
 * Start-up: time from `spawn` to the first request on the wire and to the
 * share request, for the bundled action and the SDK baseline in alternating
 * runs. Also a run that fails input validation, and peak RSS.
 */

import { rm } from 'node:fs/promises';
import { join } from 'node:path';

import { startArrivalProxy } from './arrival-proxy.js';
import {
  DEMO_IMAGE,
  OWNER,
  PARTNER_PROJECT,
  shareInputs,
  startBenchEmulator,
} from './fixtures.js';
import {
  ROOT,
  actionEnv,
  createRunnerFiles,
  runScript,
  type ScriptRun,
} from './processes.js';

export const ACTION_SCRIPT = join(ROOT, 'dist', 'index.js');
const BASELINE_SCRIPT = join(ROOT, 'bench', 'baseline-sdk.mjs');
const SHARE_PATH = '/v1/cloudimages/members';

/** Contenders of the start-up comparison. */
export type Contender = 'action' | 'baseline';

/** One measured start of a contender. */
export interface StartSample {
  contender: Contender;
  /** ms from spawn to the first request's arrival. */
  firstRequestMs: number;
  /** ms from spawn to the share request's arrival. */
  shareRequestMs: number;
  /** ms from spawn to exit. */
  exitMs: number;
  exitCode: number | null;
}

/** Measures one start of `contender` against a fresh emulator. */
export async function measureStart(
  contender: Contender,
  options: { measureRss?: boolean; node?: string | undefined } = {},
): Promise<StartSample & { maxRssKiB: number | undefined }> {
  const emulator = await startBenchEmulator();
  const proxy = await startArrivalProxy(emulator.url, () => emulator.now());
  const files = await createRunnerFiles();
  try {
    const run = await runScript({
      script: contender === 'action' ? ACTION_SCRIPT : BASELINE_SCRIPT,
      env: startEnv(contender, proxy.url, files),
      ...(options.measureRss ? { memory: 'rss' as const } : {}),
      node: options.node,
      killAfterMs: 60_000,
    });
    const first = proxy.arrivals[0];
    const share = proxy.arrivals.find(
      (a) => a.method === 'POST' && a.path === SHARE_PATH,
    );
    return {
      contender,
      firstRequestMs: first ? first.at - run.startedAt : Number.NaN,
      shareRequestMs: share ? share.at - run.startedAt : Number.NaN,
      exitMs: run.exitedAt - run.startedAt,
      exitCode: run.exitCode,
      maxRssKiB: run.maxRssKiB,
    };
  } finally {
    await proxy.close();
    await emulator.close();
    await rm(files.dir, { recursive: true, force: true });
  }
}

function startEnv(
  contender: Contender,
  url: string,
  files: Awaited<ReturnType<typeof createRunnerFiles>>,
): Record<string, string> {
  if (contender === 'action') {
    const inputs = shareInputs(url, [DEMO_IMAGE], [PARTNER_PROJECT]);
    return actionEnv({ ...inputs, wait: 'false' }, files);
  }
  return {
    PATH: process.env.PATH ?? '',
    BENCH_ENDPOINT: url,
    BENCH_AK: OWNER.ak,
    BENCH_SK: OWNER.sk,
    BENCH_PROJECT_ID: OWNER.projectId,
    BENCH_BODY: JSON.stringify({
      images: [DEMO_IMAGE],
      projects: [PARTNER_PROJECT],
    }),
  };
}

/**
 * Runs a contender with an input that fails before any request: the action
 * with a project ID that is not 32 hex digits, the baseline with a body
 * that is not JSON.
 */
export async function measureInvalidRun(
  contender: Contender,
  node?: string,
): Promise<ScriptRun> {
  const files = await createRunnerFiles();
  try {
    const env =
      contender === 'action'
        ? actionEnv(
            shareInputs('http://127.0.0.1:9', [DEMO_IMAGE], ['abc']),
            files,
          )
        : {
            ...startEnv('baseline', 'http://127.0.0.1:9', files),
            BENCH_BODY: '{"images": [',
          };
    return await runScript({
      script: contender === 'action' ? ACTION_SCRIPT : BASELINE_SCRIPT,
      env,
      node,
      killAfterMs: 60_000,
    });
  } finally {
    await rm(files.dir, { recursive: true, force: true });
  }
}

/** Runs `node` on an empty module: the floor of any Node.js start-up. */
export async function measureEmptyNode(node?: string): Promise<ScriptRun> {
  return runScript({
    script: join(ROOT, 'bench', 'empty.mjs'),
    env: { PATH: process.env.PATH ?? '' },
    node,
  });
}
