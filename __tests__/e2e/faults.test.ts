/**
 * Fault injection, end to end: the bundled action runs against the emulator
 * once per fault kind on each route it calls, and with several faults at
 * once. Where retries can win, the pair must end `success` with one job.
 * Where the truth cannot be known, it must end `unknown` or `timed-out`.
 * No run may report a false success or a false failure, which the tests
 * check against the emulator's members.
 */

import { afterAll, describe, it } from 'vitest';

import {
  startEmulator,
  type Emulator,
  type FaultAction,
  type FaultSpec,
  type RouteName,
  type Settings,
} from '../../emulator/index.js';
import { IMAGES, TARGETS, baseInputs } from './fixtures.js';
import type { PairResult } from '../../src/share/ledger.js';
import { parseResults, runAction, type ActionRun } from './run-action.js';

/** A fault kind with the action that injects it once. */
interface FaultKindCase {
  name: string;
  action: FaultAction;
}

/** `request-timeout` of every run; the slow fault waits longer than this. */
const REQUEST_TIMEOUT = '1s';
const SLOW_RESPONSE_MS = 1500;
/** Emulator job duration, in emulator (here real) ms. */
const JOB_DURATION_MS = 300;

const FAULT_KINDS: FaultKindCase[] = [
  { name: 'throttle without Retry-After', action: { kind: 'throttle' } },
  {
    name: 'throttle with Retry-After seconds',
    action: { kind: 'throttle', retryAfter: { seconds: 1, format: 'seconds' } },
  },
  {
    name: 'throttle with Retry-After date',
    action: {
      kind: 'throttle',
      retryAfter: { seconds: 2, format: 'http-date' },
    },
  },
  { name: 'flow control IMG.0060', action: { kind: 'flow-control' } },
  { name: 'HTTP 500', action: { kind: 'server-error', status: 500 } },
  { name: 'HTTP 502', action: { kind: 'server-error', status: 502 } },
  { name: 'HTTP 503', action: { kind: 'server-error', status: 503 } },
  { name: 'HTTP 504', action: { kind: 'server-error', status: 504 } },
  {
    name: 'drop before acting',
    action: { kind: 'drop', stage: 'before-acting' },
  },
  {
    name: 'drop after acting',
    action: { kind: 'drop', stage: 'after-acting' },
  },
  {
    name: 'drop after headers',
    action: { kind: 'drop', stage: 'after-headers' },
  },
  {
    name: 'slow response past request-timeout',
    action: { kind: 'delay', ms: SLOW_RESPONSE_MS },
  },
];

/** Faults on a submit that leave open whether IMS acted on it. */
const OUTCOME_UNKNOWN_ON_SUBMIT = new Set([
  'HTTP 500',
  'HTTP 502',
  'HTTP 504',
  'drop before acting',
  'drop after acting',
  'drop after headers',
  'slow response past request-timeout',
]);

const emulators = new Set<Emulator>();

afterAll(async () => {
  await Promise.all([...emulators].map((emulator) => emulator.close()));
  emulators.clear();
});

interface Scenario {
  /** Faults added before the action starts. */
  faults?: FaultSpec[];
  /** Faults added once the first job exists, so pre-flight does not meet them. */
  faultsAfterSubmit?: FaultSpec[];
  settings?: Partial<Settings>;
  inputs?: Record<string, string>;
  images?: string[];
  targets?: string[];
}

interface Outcome {
  run: ActionRun;
  results: PairResult[];
  emulator: Emulator;
}

/** Starts an emulator, injects the faults, runs the action and keeps both. */
async function runScenario(scenario: Scenario): Promise<Outcome> {
  const emulator = await startEmulator({ port: 0 });
  emulators.add(emulator);
  emulator.updateSettings({
    jobDurationMs: JOB_DURATION_MS,
    ...scenario.settings,
  });
  for (const fault of scenario.faults ?? []) emulator.addFault(fault);
  const run = await runAction({
    inputs: {
      ...baseInputs(emulator.url),
      'image-ids': (scenario.images ?? [IMAGES.web]).join('\n'),
      'project-ids': (scenario.targets ?? [TARGETS.partner]).join('\n'),
      'request-timeout': REQUEST_TIMEOUT,
      'unknown-outcome-wait': '2s',
      timeout: '20s',
      ...scenario.inputs,
    },
    onSpawn: () => addAfterFirstJob(emulator, scenario.faultsAfterSubmit),
    killAfterMs: 40_000,
  });
  const results = parseResults(run.outputs);
  return { run, results, emulator };
}

/** Adds faults as soon as the emulator has a job, polling for at most 20 s. */
function addAfterFirstJob(emulator: Emulator, faults?: FaultSpec[]): void {
  if (faults === undefined || faults.length === 0) return;
  const started = Date.now();
  const poll = setInterval(() => {
    const due = emulator.jobs().length > 0;
    if (due) for (const fault of faults) emulator.addFault(fault);
    if (due || Date.now() - started > 20_000) clearInterval(poll);
  }, 10);
}

/** Lists results whose status contradicts the emulator's members. */
function falseOutcomes(outcome: Outcome): string[] {
  const wrong: string[] = [];
  for (const result of outcome.results) {
    const member = outcome.emulator
      .getMembers(result.image_id)
      .some((m) => m.memberId === result.target_id);
    const claimsShared =
      result.status === 'success' || result.status === 'already-shared';
    if (claimsShared && !member)
      wrong.push(`false success: ${result.image_id}`);
    if (result.status === 'failed' && member) {
      wrong.push(`false failure: ${result.image_id}`);
    }
  }
  return wrong;
}

/** Delays in seconds of the `Retrying` log lines of an operation. */
function retryDelays(stdout: string, operation: string): number[] {
  const pattern = new RegExp(`Retrying ${operation}.* in ([0-9.]+) s:`, 'g');
  return [...stdout.matchAll(pattern)].map((match) => Number(match[1]));
}

function once(route: RouteName, action: FaultAction): FaultSpec {
  return { route, times: 1, action };
}

describe.concurrent('one fault on the submit', () => {
  it.for(FAULT_KINDS)('shares despite $name', async (kind, { expect }) => {
    const outcome = await runScenario({
      faults: [once('addMembers', kind.action)],
    });
    const [result] = outcome.results;
    expect(outcome.run.exitCode).toBe(0);
    expect(outcome.run.outputs.status).toBe('success');
    expect(result?.status).toBe('success');
    expect(falseOutcomes(outcome)).toEqual([]);
    expect(outcome.emulator.faultCounts().total).toBe(1);
    // A lost response is reconciled from the members: never a second job.
    expect(outcome.emulator.jobs()).toHaveLength(1);
    const noted = (result?.message ?? '').includes('was unknown');
    expect(noted).toBe(OUTCOME_UNKNOWN_ON_SUBMIT.has(kind.name));
  });
});

describe.concurrent('one fault on the job query', () => {
  it.for(FAULT_KINDS)('waits out $name', async (kind, { expect }) => {
    const outcome = await runScenario({
      faults: [once('showJob', kind.action)],
    });
    expect(outcome.run.exitCode).toBe(0);
    expect(outcome.results[0]?.status).toBe('success');
    expect(falseOutcomes(outcome)).toEqual([]);
    expect(outcome.emulator.faultCounts().total).toBe(1);
    expect(outcome.emulator.jobs()).toHaveLength(1);
  });
});

describe.concurrent('one fault on the member listing', () => {
  it.for(FAULT_KINDS)('reads through $name', async (kind, { expect }) => {
    const outcome = await runScenario({
      faults: [once('listMembers', kind.action)],
    });
    expect(outcome.run.exitCode).toBe(0);
    expect(outcome.results[0]?.status).toBe('success');
    expect(falseOutcomes(outcome)).toEqual([]);
    expect(outcome.emulator.faultCounts().total).toBe(1);
  });

  it.for(FAULT_KINDS)(
    'confirms after the job despite $name',
    async (kind, { expect }) => {
      const outcome = await runScenario({
        settings: { jobDurationMs: 1000 },
        faultsAfterSubmit: [once('listMembers', kind.action)],
      });
      expect(outcome.run.exitCode).toBe(0);
      expect(outcome.results[0]?.status).toBe('success');
      expect(outcome.results[0]?.message ?? '').not.toContain('Not confirmed');
      expect(falseOutcomes(outcome)).toEqual([]);
      expect(outcome.emulator.faultCounts().total).toBe(1);
    },
  );
});

describe.concurrent('Retry-After', () => {
  it('waits the seconds it names', async ({ expect }) => {
    const outcome = await runScenario({
      faults: [
        once('addMembers', {
          kind: 'throttle',
          retryAfter: { seconds: 2, format: 'seconds' },
        }),
      ],
    });
    expect(retryDelays(outcome.run.stdout, 'share images')).toEqual([2]);
  });

  it('waits until the date it names', async ({ expect }) => {
    const outcome = await runScenario({
      faults: [
        once('addMembers', {
          kind: 'throttle',
          retryAfter: { seconds: 3, format: 'http-date' },
        }),
      ],
    });
    const delays = retryDelays(outcome.run.stdout, 'share images');
    expect(delays).toHaveLength(1);
    // The date has whole seconds, so the wait is between 2 and 3 s.
    expect(delays[0]).toBeGreaterThan(1.9);
    expect(delays[0]).toBeLessThanOrEqual(3);
  });
});

describe.concurrent('unknowable outcomes', () => {
  it('times out on a job that never finishes', async ({ expect }) => {
    const outcome = await runScenario({
      faults: [once('addMembers', { kind: 'job-never-finishes' })],
      inputs: { timeout: '3s' },
    });
    expect(outcome.run.exitCode).toBe(1);
    expect(outcome.run.outputs.status).toBe('timed-out');
    expect(outcome.results[0]?.status).toBe('unknown');
    expect(outcome.results[0]?.job_id).toBe(outcome.emulator.jobs()[0]?.id);
    expect(falseOutcomes(outcome)).toEqual([]);
  });

  it('times out when every job query fails', async ({ expect }) => {
    const outcome = await runScenario({
      faults: [
        {
          route: 'showJob',
          times: 'always',
          action: { kind: 'server-error', status: 503 },
        },
      ],
      inputs: { timeout: '4s', 'retry-max-attempts': '2' },
    });
    expect(outcome.run.outputs.status).toBe('timed-out');
    expect(outcome.results[0]?.status).toBe('unknown');
    // The job did share the pair; the action could not see it.
    expect(outcome.emulator.getMembers(IMAGES.web)).toHaveLength(1);
  });

  it('reports unknown when every submit is lost', async ({ expect }) => {
    const outcome = await runScenario({
      faults: [
        {
          route: 'addMembers',
          times: 'always',
          action: { kind: 'server-error', status: 502 },
        },
      ],
      inputs: { 'unknown-outcome-wait': '1s' },
    });
    expect(outcome.run.exitCode).toBe(1);
    expect(outcome.results[0]?.status).toBe('unknown');
    expect(outcome.emulator.getMembers(IMAGES.web)).toHaveLength(0);
    expect(outcome.emulator.faultCounts().total).toBe(3);
  });

  it('fails a submit throttled past every retry', async ({ expect }) => {
    const outcome = await runScenario({
      faults: [
        { route: 'addMembers', times: 'always', action: { kind: 'throttle' } },
      ],
      inputs: { 'retry-max-attempts': '2' },
    });
    expect(outcome.run.exitCode).toBe(1);
    expect(outcome.results[0]?.status).toBe('failed');
    expect(outcome.results[0]?.message).toContain('APIGW.0308');
    expect(falseOutcomes(outcome)).toEqual([]);
    expect(outcome.emulator.jobs()).toHaveLength(0);
  });

  it('trusts job items when members stay unreadable', async ({ expect }) => {
    const outcome = await runScenario({
      settings: { jobDurationMs: 1000 },
      faultsAfterSubmit: [
        {
          route: 'listMembers',
          times: 'always',
          action: { kind: 'server-error', status: 500 },
        },
      ],
      inputs: { 'retry-max-attempts': '2' },
    });
    expect(outcome.results[0]?.status).toBe('success');
    expect(outcome.results[0]?.message).toContain('Not confirmed');
    expect(falseOutcomes(outcome)).toEqual([]);
  });

  it('reports unknown without items or members', async ({ expect }) => {
    const outcome = await runScenario({
      settings: { jobDurationMs: 1000, resultItems: 'none' },
      faultsAfterSubmit: [
        {
          route: 'listMembers',
          times: 'always',
          action: { kind: 'server-error', status: 500 },
        },
      ],
      inputs: { 'retry-max-attempts': '2' },
    });
    expect(outcome.results[0]?.status).toBe('unknown');
    expect(outcome.emulator.getMembers(IMAGES.web)).toHaveLength(1);
  });
});

describe.concurrent('several faults at once', () => {
  it('shares through faults on every route', async ({ expect }) => {
    const outcome = await runScenario({
      faults: [
        once('listImages', { kind: 'server-error', status: 502 }),
        once('listMembers', { kind: 'drop', stage: 'before-acting' }),
        once('addMembers', { kind: 'throttle' }),
        once('addMembers', { kind: 'server-error', status: 503 }),
        once('addMembers', { kind: 'flow-control' }),
        once('showJob', { kind: 'server-error', status: 504 }),
        once('showJob', { kind: 'drop', stage: 'after-headers' }),
      ],
      faultsAfterSubmit: [once('listMembers', { kind: 'flow-control' })],
    });
    expect(outcome.run.exitCode).toBe(0);
    expect(outcome.results[0]?.status).toBe('success');
    expect(falseOutcomes(outcome)).toEqual([]);
    expect(outcome.emulator.jobs()).toHaveLength(1);
    expect(outcome.emulator.faultCounts().total).toBe(8);
    expect(retryDelays(outcome.run.stdout, 'share images')).toHaveLength(3);
  });

  it('keeps batches and invalid pairs apart', async ({ expect }) => {
    const outcome = await runScenario({
      settings: { maxImagesPerRequest: 1 },
      images: [IMAGES.web, IMAGES.database],
      targets: [TARGETS.partner, TARGETS.other, TARGETS.otherRegion],
      inputs: { 'images-per-request': '1' },
      faults: [
        once('addMembers', { kind: 'flow-control' }),
        once('addMembers', { kind: 'drop', stage: 'after-headers' }),
        once('addMembers', { kind: 'delay', ms: SLOW_RESPONSE_MS }),
        { route: 'showJob', times: 3, action: { kind: 'throttle' } },
        once('listMembers', { kind: 'server-error', status: 504 }),
      ],
    });
    const byStatus = (status: string): number =>
      outcome.results.filter((r) => r.status === status).length;
    expect(outcome.run.exitCode).toBe(1);
    expect(byStatus('success')).toBe(4);
    expect(byStatus('failed')).toBe(2);
    expect(outcome.results.length).toBe(6);
    expect(falseOutcomes(outcome)).toEqual([]);
    const failedTargets = outcome.results
      .filter((r) => r.status === 'failed')
      .map((r) => r.target_id);
    expect(failedTargets).toEqual([TARGETS.otherRegion, TARGETS.otherRegion]);
  });

  it('confirms a lost job that outlasts the watch', async ({ expect }) => {
    // The lost job ends after unknown-outcome-wait, so the action submits
    // again. The second job fails the pair with IMG.0112 because the first
    // job has added it by then, and the members decide the outcome.
    const outcome = await runScenario({
      settings: { jobDurationMs: 2500, existingMember: 'failed-item' },
      faults: [once('addMembers', { kind: 'drop', stage: 'after-acting' })],
      inputs: { 'unknown-outcome-wait': '1s' },
    });
    expect(outcome.run.exitCode).toBe(0);
    expect(outcome.results[0]?.status).toBe('success');
    expect(falseOutcomes(outcome)).toEqual([]);
    expect(outcome.emulator.jobs()).toHaveLength(2);
  });

  it('never fails a pair a lost job shared', async ({ expect }) => {
    // The lost job shares the partner and fails the other-region target.
    // With the members unreadable from then on, nothing shows that the
    // partner is shared, and a resubmitted job fails it with IMG.0112.
    const outcome = await runScenario({
      settings: { existingMember: 'failed-item' },
      targets: [TARGETS.partner, TARGETS.otherRegion],
      faults: [once('addMembers', { kind: 'drop', stage: 'after-acting' })],
      faultsAfterSubmit: [
        {
          route: 'listMembers',
          times: 'always',
          action: { kind: 'server-error', status: 503 },
        },
      ],
      inputs: { 'unknown-outcome-wait': '1s', 'retry-max-attempts': '1' },
    });
    const partner = outcome.results.find(
      (r) => r.target_id === TARGETS.partner,
    );
    expect(outcome.emulator.getMembers(IMAGES.web)).toHaveLength(1);
    expect(partner?.status).not.toBe('failed');
    expect(falseOutcomes(outcome)).toEqual([]);
  });
});
