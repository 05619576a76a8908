/**
 * Reliability campaign: runs the bundled action (`dist/index.js`) against
 * the local emulator many times, each run with one to three random faults.
 * It prints a table of runs, faults injected by kind, retries, wrong
 * outcomes and time. A wrong outcome is a pair reported `success` or
 * `already-shared` that is not a member, a pair reported `failed` that is a
 * member once every job has ended, or a missing or repeated pair. Every
 * request goes to the emulator on 127.0.0.1.
 *
 * Usage: npm run reliability -- [--runs 60] [--seed 42] [--concurrency 2]
 */

import fc from 'fast-check';

import {
  startEmulator,
  type Emulator,
  type FaultAction,
  type FaultSpec,
  type RouteName,
} from '../emulator/index.js';
import { IMAGES, TARGETS, baseInputs } from '../__tests__/e2e/fixtures.js';
import { runAction } from '../__tests__/e2e/run-action.js';

interface Options {
  runs: number;
  seed: number;
  concurrency: number;
}

/** One fault of a run: a named kind on a route, hitting `times` requests. */
interface PlannedFault {
  kind: string;
  route: RouteName;
  times: number;
  action: FaultAction;
}

interface RunReport {
  faults: PlannedFault[];
  /** Requests hit, by fault kind name. */
  injected: Record<string, number>;
  retries: number;
  wrong: string[];
  statuses: Record<string, number>;
  durationMs: number;
  exitCode: number | null;
}

const IMAGE_IDS = [IMAGES.web, IMAGES.database];
const TARGET_IDS = [TARGETS.partner, TARGETS.other];
/** Time limit of one run; the action's own timeout is shorter. */
const RUN_KILL_MS = 90_000;
const REQUEST_TIMEOUT_MS = 1000;

/** Fault kinds by name; drops and delays differ by stage and length. */
const FAULT_KINDS: Record<string, FaultAction> = {
  'throttle, no Retry-After': { kind: 'throttle' },
  'throttle, Retry-After seconds': {
    kind: 'throttle',
    retryAfter: { seconds: 1, format: 'seconds' },
  },
  'throttle, Retry-After date': {
    kind: 'throttle',
    retryAfter: { seconds: 2, format: 'http-date' },
  },
  'flow control IMG.0060': { kind: 'flow-control' },
  'HTTP 500': { kind: 'server-error', status: 500 },
  'HTTP 502': { kind: 'server-error', status: 502 },
  'HTTP 503': { kind: 'server-error', status: 503 },
  'HTTP 504': { kind: 'server-error', status: 504 },
  'drop before acting': { kind: 'drop', stage: 'before-acting' },
  'drop after acting': { kind: 'drop', stage: 'after-acting' },
  'drop after headers': { kind: 'drop', stage: 'after-headers' },
  'slow response': { kind: 'delay', ms: REQUEST_TIMEOUT_MS + 500 },
  'job never finishes': { kind: 'job-never-finishes' },
};

const ROUTES: RouteName[] = [
  'addMembers',
  'showJob',
  'listMembers',
  'listImages',
];

const faultArb: fc.Arbitrary<PlannedFault> = fc
  .record({
    kind: fc.constantFrom(...Object.keys(FAULT_KINDS)),
    route: fc.constantFrom(...ROUTES),
    times: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ kind, route, times }) => {
    const action = FAULT_KINDS[kind] as FaultAction;
    // A job fault matches only submits, and one such job is enough.
    if (action.kind === 'job-never-finishes') {
      return { kind, route: 'addMembers', times: 1, action };
    }
    return { kind, route, times, action };
  });

/** Half the runs get one fault, the other half two or three at once. */
const runArb: fc.Arbitrary<PlannedFault[]> = fc.oneof(
  fc.array(faultArb, { minLength: 1, maxLength: 1 }),
  fc.array(faultArb, { minLength: 2, maxLength: 3 }),
);

function parseOptions(argv: string[]): Options {
  const options: Options = { runs: 60, seed: 42, concurrency: 2 };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]?.replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!(name === 'runs' || name === 'seed' || name === 'concurrency')) {
      throw new Error(
        `Unknown option ${argv[i]}; use --runs, --seed or --concurrency.`,
      );
    }
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(`--${name} needs a whole number, got ${argv[i + 1]}.`);
    }
    options[name] = value;
  }
  return options;
}

/** Runs the action once under the faults and checks every pair. */
async function runOnce(faults: PlannedFault[]): Promise<RunReport> {
  const emulator = await startEmulator({ port: 0 });
  try {
    emulator.updateSettings({ jobDurationMs: 300 });
    const ids = faults.map((fault) => emulator.addFault(toSpec(fault)));
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGE_IDS.join('\n'),
        'project-ids': TARGET_IDS.join('\n'),
        'request-timeout': `${REQUEST_TIMEOUT_MS / 1000}s`,
        'unknown-outcome-wait': '2s',
        timeout: '20s',
      },
      killAfterMs: RUN_KILL_MS,
    });
    const counts = emulator.faultCounts();
    const injected: Record<string, number> = {};
    faults.forEach((fault, index) => {
      const hits = counts.byId[ids[index] as string] ?? 0;
      injected[fault.kind] = (injected[fault.kind] ?? 0) + hits;
    });
    const results = parseResults(run.outputs.results);
    return {
      faults,
      injected,
      retries: run.stdout.split('\n').filter((l) => l.includes('Retrying'))
        .length,
      wrong: findWrongOutcomes(emulator, results),
      statuses: countStatuses(results),
      durationMs: run.durationMs,
      exitCode: run.exitCode,
    };
  } finally {
    await emulator.close();
  }
}

function toSpec(fault: PlannedFault): FaultSpec {
  return { route: fault.route, times: fault.times, action: fault.action };
}

interface Result {
  image_id: string;
  target_id: string;
  status: string;
}

function parseResults(text: string | undefined): Result[] {
  try {
    const value: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(value) ? (value as Result[]) : [];
  } catch {
    return [];
  }
}

function isMember(emulator: Emulator, image: string, target: string): boolean {
  return emulator.getMembers(image).some((m) => m.memberId === target);
}

/**
 * Lists the wrong outcomes of a run. Shared pairs are checked at once;
 * failed pairs once every job still running has been ended.
 */
function findWrongOutcomes(emulator: Emulator, results: Result[]): string[] {
  const wrong: string[] = [];
  const expected = IMAGE_IDS.length * TARGET_IDS.length;
  const keys = new Set(results.map((r) => `${r.image_id}/${r.target_id}`));
  if (results.length !== expected || keys.size !== expected) {
    wrong.push(`${results.length} results, ${keys.size} distinct pairs`);
  }
  for (const r of results) {
    const shared = r.status === 'success' || r.status === 'already-shared';
    if (shared && !isMember(emulator, r.image_id, r.target_id)) {
      wrong.push(`false ${r.status}: ${r.image_id} -> ${r.target_id}`);
    }
  }
  for (const job of emulator.jobs()) {
    if (job.status === 'INIT' || job.status === 'RUNNING') {
      emulator.setJobDuration(job.id, 0);
    }
  }
  for (const r of results) {
    if (r.status === 'failed' && isMember(emulator, r.image_id, r.target_id)) {
      wrong.push(`false failure: ${r.image_id} -> ${r.target_id}`);
    }
  }
  return wrong;
}

function countStatuses(results: Result[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

/** Runs `task` on every item with at most `limit` at a time. */
async function runPool<T, R>(
  items: T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  return results;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Formats the campaign's table as Markdown. */
function formatTable(reports: RunReport[], totalMs: number): string {
  const single = reports.filter((r) => r.faults.length === 1).length;
  const injected: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  for (const report of reports) {
    for (const [kind, hits] of Object.entries(report.injected)) {
      injected[kind] = (injected[kind] ?? 0) + hits;
    }
    for (const [status, count] of Object.entries(report.statuses)) {
      statuses[status] = (statuses[status] ?? 0) + count;
    }
  }
  const durations = reports.map((r) => r.durationMs).sort((a, b) => a - b);
  const rows: [string, string][] = [
    [
      'Runs',
      `${reports.length} (${single} with one fault, ${reports.length - single} with two or three)`,
    ],
    ['Faults injected', String(sum(Object.values(injected)))],
    ...Object.keys(FAULT_KINDS).map((kind): [string, string] => [
      `- ${kind}`,
      String(injected[kind] ?? 0),
    ]),
    [
      'Retries (`Retrying` log lines)',
      String(sum(reports.map((r) => r.retries))),
    ],
    [
      'Pairs by status',
      Object.entries(statuses)
        .map(([s, n]) => `${s} ${n}`)
        .join(', '),
    ],
    [
      'Runs that exited 0',
      String(reports.filter((r) => r.exitCode === 0).length),
    ],
    ['Wrong outcomes', String(sum(reports.map((r) => r.wrong.length)))],
    [
      'Run time, median / max',
      `${seconds(durations[Math.floor(durations.length / 2)] ?? 0)} / ${seconds(durations.at(-1) ?? 0)}`,
    ],
    ['Total time', seconds(totalMs)],
  ];
  return [
    '| Measure | Value |',
    '| --- | --- |',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
  ].join('\n');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const plans = fc.sample(runArb, {
    seed: options.seed,
    numRuns: options.runs,
  });
  const started = Date.now();
  const reports = await runPool(plans, options.concurrency, async (plan, i) => {
    const report = await runOnce(plan);
    const kinds = plan.map((f) => `${f.kind} x${f.times} on ${f.route}`);
    process.stderr.write(
      `run ${i + 1}/${plans.length}: ${kinds.join('; ')} -> exit ${report.exitCode}, ${report.wrong.length} wrong, ${seconds(report.durationMs)}\n`,
    );
    for (const line of report.wrong) process.stderr.write(`  wrong: ${line}\n`);
    return report;
  });
  console.log(
    `Seed ${options.seed}, ${options.runs} runs, ${options.concurrency} at a time.\n`,
  );
  console.log(formatTable(reports, Date.now() - started));
  if (reports.some((r) => r.wrong.length > 0)) process.exitCode = 1;
}

await main();
