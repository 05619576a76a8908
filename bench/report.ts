/** Renders the measurements as the Markdown of docs/benchmarks.md. */

import { DEFAULT_POLL_SCHEDULE } from '../src/share/poll-schedule.js';
import { POLLERS, predict, worstCase, type JobEndSample } from './job-end.js';
import { batchCount, type ScaleSample } from './scale.js';
import type { StartSample } from './startup.js';
import { bytes, mebibytes, median, ms, seconds, table } from './stats.js';

/** Measurements of the start-up section. */
export interface StartupResults {
  samples: StartSample[];
  rssKiB: { action: number[]; baseline: number[] };
  invalidExitMs: { action: number[]; baseline: number[] };
  emptyNodeExitMs: number[];
  bundleBytes: number;
  /** Bytes of the chunks that dist/index.js loads on demand. */
  chunkBytes: number;
}

/** Renders the start-up section. */
export function renderStartup(results: StartupResults): string {
  const pick = (contender: string, field: keyof StartSample): number =>
    median(
      results.samples
        .filter((s) => s.contender === contender)
        .map((s) => s[field] as number),
    );
  const row = (label: string, field: keyof StartSample): string[] =>
    ratioRow(label, pick('action', field), pick('baseline', field));
  const rssAction = median(results.rssKiB.action);
  const rssBaseline = median(results.rssKiB.baseline);
  const runs = results.samples.filter((s) => s.contender === 'action').length;
  return [
    `Medians of ${runs} alternating runs each, in ms from \`spawn\` in the harness.`,
    '',
    table(
      ['Measure', 'Action (dist/index.js)', 'SDK baseline', 'Ratio'],
      [
        row('First request on the wire', 'firstRequestMs'),
        row('Share request (`POST /v1/cloudimages/members`)', 'shareRequestMs'),
        row('Exit', 'exitMs'),
        ratioRow(
          'Run that fails input validation, to exit',
          median(results.invalidExitMs.action),
          median(results.invalidExitMs.baseline),
        ),
        [
          `Peak RSS (${results.rssKiB.action.length} runs each)`,
          mebibytes(rssAction),
          mebibytes(rssBaseline),
          (rssAction / rssBaseline).toFixed(2),
        ],
      ],
    ),
    '',
    table(
      ['Other measure', 'Median'],
      [
        [
          '`node` on an empty module, to exit',
          `${ms(median(results.emptyNodeExitMs))} ms`,
        ],
        ['Size of `dist/index.js`', bytes(results.bundleBytes)],
        [
          'Size of the chunks loaded on demand (the YAML parser)',
          bytes(results.chunkBytes),
        ],
      ],
    ),
  ].join('\n');
}

function ratioRow(label: string, action: number, baseline: number): string[] {
  return [label, ms(action), ms(baseline), (action / baseline).toFixed(2)];
}

/** Renders the job-end section's table. */
export function renderJobEnd(samples: JobEndSample[]): string {
  const lengths = [...new Set(samples.map((s) => s.jobMs))];
  const rows: string[][] = [];
  for (const jobMs of lengths) {
    for (const poller of POLLERS) {
      const runs = samples.filter(
        (s) => s.jobMs === jobMs && s.poller === poller,
      );
      if (runs.length === 0) continue;
      rows.push(jobEndRow(jobMs, poller, runs));
    }
  }
  return table(
    [
      'Job (s)',
      'Poller',
      'Runs',
      'Noticed after end (s)',
      'Exit after end (s)',
      'Queries',
      'Schedule predicts (s / queries)',
      'Worst-case formula (s / queries)',
    ],
    rows,
  );
}

function jobEndRow(
  jobMs: number,
  poller: (typeof POLLERS)[number],
  runs: JobEndSample[],
): string[] {
  const predicted = predict(poller, jobMs);
  const bound = poller === 'action' ? worstCase(jobMs) : undefined;
  return [
    String(jobMs / 1000),
    poller,
    String(runs.length),
    seconds(median(runs.map((r) => r.noticedMs))),
    poller === 'action' ? seconds(median(runs.map((r) => r.exitMs))) : '',
    String(median(runs.map((r) => r.queries))),
    `${seconds(predicted.noticedMs)} / ${predicted.queries}`,
    bound ? `< ${seconds(bound.noticedMs)} / ${bound.queries}` : '',
  ];
}

/** Renders the poll schedule's worst case as formulas. */
export function renderFormulas(): string {
  const s = DEFAULT_POLL_SCHEDULE;
  const fastEnd = (s.fastIntervalMs * s.fastPolls) / 1000;
  const step = s.fastIntervalMs / 1000;
  return [
    `For a job that ends T seconds after its submission (request latency excluded), \`src/share/poll-schedule.ts\` queries every ${step} s for the first ${fastEnd} s, then waits ${s.growth} of the time elapsed, at most ${s.maxIntervalMs / 1000} s:`,
    '',
    `- T ≤ ${fastEnd}: delay after the end < ${step} s; queries = ⌈T / ${step}⌉.`,
    `- T > ${fastEnd}: delay < ${s.growth}·T (and < ${s.maxIntervalMs / 1000} s once the cap applies, from T ≈ 158 s); queries = ${s.fastPolls} + ⌈ln(T / ${fastEnd}) / ln(${1 + s.growth})⌉ while the cap does not apply.`,
  ].join('\n');
}

/** Renders the scale section's tables. */
export function renderScale(samples: ScaleSample[]): string {
  const rows = samples.map(scaleRow);
  const memory = samples.map((sample) => {
    const beyond =
      sample.peakLiveHeapBytes === undefined
        ? undefined
        : sample.peakLiveHeapBytes - sample.resultsHeapBytes;
    return [
      caseName(sample),
      mebibytes(sample.maxRssKiB),
      mebibytes(kibibytes(sample.peakLiveHeapBytes)),
      mebibytes(kibibytes(sample.resultsHeapBytes)),
      mebibytes(kibibytes(beyond)),
    ];
  });
  const sizes = samples.map((sample) => [
    caseName(sample),
    String(sample.resultsOutputChars),
    bytes(sample.outputFileBytes),
    bytes(sample.summaryBytes),
    bytes(sample.resultsFileBytes),
    bytes(sample.logBytes),
  ]);
  return [
    table(
      [
        'Images × projects',
        'Exit code',
        'Batches',
        'Requests (by route)',
        'Peak in flight',
        'Wall (s)',
        'Estimate (s)',
      ],
      rows,
    ),
    '',
    table(
      [
        'Images × projects',
        'Peak RSS',
        'Peak live heap',
        'Ledger and results alone',
        'Live heap beyond them',
      ],
      memory,
    ),
    '',
    table(
      [
        'Images × projects',
        '`results` output (chars)',
        'GITHUB_OUTPUT file',
        'Summary file',
        'Results file',
        'Log (stdout)',
      ],
      sizes,
    ),
  ].join('\n');
}

function caseName(sample: ScaleSample): string {
  return `${sample.scaleCase.images}×${sample.scaleCase.projects}`;
}

function kibibytes(bytesValue: number | undefined): number | undefined {
  return bytesValue === undefined ? undefined : bytesValue / 1024;
}

function scaleRow(sample: ScaleSample): string[] {
  const { scaleCase } = sample;
  const batches = batchCount(scaleCase);
  const byRoute = Object.entries(sample.requestsByRoute)
    .map(([route, count]) => `${route} ${count}`)
    .join(', ');
  const estimate = scaleEstimateMs(sample.requests, scaleCase, batches);
  return [
    caseName(sample),
    String(sample.exitCode),
    String(batches),
    `${sample.requests} (${byRoute})`,
    String(sample.peakInFlight),
    seconds(sample.wallMs),
    seconds(estimate),
  ];
}

/**
 * Estimates the wall time: every request costs the latency, `concurrency`
 * at a time, and each round of `concurrency` jobs waits for the first
 * query after the job's end.
 */
export function scaleEstimateMs(
  requests: number,
  scaleCase: { latencyMs: number; concurrency: number; jobMs: number },
  batches: number,
): number {
  const rounds = Math.ceil(batches / scaleCase.concurrency);
  const jobWait =
    predict('action', scaleCase.jobMs).noticedMs + scaleCase.jobMs;
  return (
    (requests * scaleCase.latencyMs) / scaleCase.concurrency + rounds * jobWait
  );
}
