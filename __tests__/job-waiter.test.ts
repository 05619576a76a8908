import { describe, expect, it } from 'vitest';
import type { Clock, Sleep } from '../src/clock.js';
import type { Job } from '../src/cloud/ims.js';
import { ApiError, CancelledError, NetworkError } from '../src/errors.js';
import type { Logger } from '../src/logger.js';
import {
  waitForJob,
  type ShowJob,
  type WaitResult,
} from '../src/share/job-waiter.js';

const SUBMITTED_AT = 1_700_000_000_000;
const JOB_ID = '4010a32c8c1e4b1f9d0a2e3f4b5c6d7e';
const CONTEXT = {
  operation: `query job ${JOB_ID}`,
  method: 'GET',
  path: `/v1/p/jobs/${JOB_ID}`,
};

/** Creates a fake clock whose sleep advances it at once and, like `realSleep`, rejects on abort. */
function fakeTime() {
  let now = SUBMITTED_AT;
  const clock: Clock = { now: () => now };
  const sleep: Sleep = async (ms, signal) => {
    if (signal?.aborted) {
      throw new CancelledError('Cancelled before the wait began');
    }
    now += ms;
  };
  const advance = (ms: number): void => {
    now += ms;
  };
  return { clock, sleep, advance };
}

/** Creates a logger that records warnings. */
function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug: () => {},
    info: () => {},
    warning: (message) => warnings.push(message),
  };
}

type Step = Job | Error;

/**
 * Builds a ShowJob that returns `steps` in turn, repeating the last one,
 * and records the clock time of each query relative to submission.
 */
function scriptedShowJob(
  steps: Step[],
  clock: Clock,
  onQuery: (index: number) => void = () => {},
) {
  const queryTimes: number[] = [];
  const showJob: ShowJob = async () => {
    const index = queryTimes.length;
    queryTimes.push(clock.now() - SUBMITTED_AT);
    onQuery(index);
    const step = steps[Math.min(index, steps.length - 1)] as Step;
    if (step instanceof Error) throw step;
    return step;
  };
  return { showJob, queryTimes };
}

/** Returns the final job status of an ended wait, else `undefined`. */
function endedStatus(result: WaitResult): string | undefined {
  return result.kind === 'ended' ? result.job.status : undefined;
}

function job(status: string): Job {
  return { status, job_id: JOB_ID };
}

function apiError(status: number, code?: string): ApiError {
  return new ApiError(`HTTP ${status}`, {
    status,
    code,
    serviceMessage: undefined,
    requestId: 'req-1',
    context: CONTEXT,
  });
}

function networkError(): NetworkError {
  return new NetworkError('socket hang up', {
    code: 'ECONNRESET',
    context: CONTEXT,
    mayHaveReachedServer: true,
  });
}

/** Runs `waitForJob` with a fake clock and a deadline `timeoutMs` after submission. */
function setUp(steps: Step[], timeoutMs = 60_000) {
  const time = fakeTime();
  const logger = recordingLogger();
  const script = scriptedShowJob(steps, time.clock);
  const controller = new AbortController();
  const run = () =>
    waitForJob(script.showJob, JOB_ID, controller.signal, {
      clock: time.clock,
      sleep: time.sleep,
      logger,
      deadline: SUBMITTED_AT + timeoutMs,
      submittedAt: SUBMITTED_AT,
    });
  return { time, logger, script, controller, run };
}

describe('waitForJob end states', () => {
  it('ends on INIT, RUNNING, SUCCESS', async () => {
    const { run, script, logger } = setUp([
      job('INIT'),
      job('RUNNING'),
      job('SUCCESS'),
    ]);
    const result = await run();
    expect(result.kind).toBe('ended');
    expect(endedStatus(result)).toBe('SUCCESS');
    expect(result.queries).toBe(3);
    expect(script.queryTimes).toEqual([450, 900, 1350]);
    expect(logger.warnings).toEqual([]);
  });

  it('ends on FAIL', async () => {
    const { run } = setUp([job('RUNNING'), job('FAIL')]);
    const result = await run();
    expect(result.kind).toBe('ended');
    expect(endedStatus(result)).toBe('FAIL');
    expect(result.queries).toBe(2);
  });

  it.each(['Succeeded', 'success', 'failed', 'DONE'])(
    'keeps waiting on status %s',
    async (status) => {
      const { run, script, logger } = setUp(
        [job('RUNNING'), job(status), job(status), job(status), job('SUCCESS')],
        60_000,
      );
      const result = await run();
      expect(result.kind).toBe('ended');
      expect(script.queryTimes).toHaveLength(5);
      expect(logger.warnings).toHaveLength(1);
      expect(logger.warnings[0]).toContain(JSON.stringify(status));
      expect(logger.warnings[0]).toContain(JOB_ID);
    },
  );

  it('warns once per unexpected status', async () => {
    const { run, logger } = setUp([job('Succeeded')], 30_000);
    const result = await run();
    expect(result.kind).toBe('timed-out');
    expect(result).toMatchObject({ lastStatus: 'Succeeded' });
    expect(result.queries).toBeGreaterThan(10);
    expect(logger.warnings).toHaveLength(1);
  });
});

describe('waitForJob deadline', () => {
  it('times out with the last status', async () => {
    const { run, script, time } = setUp([job('INIT'), job('RUNNING')], 10_000);
    const result = await run();
    expect(result).toEqual({
      kind: 'timed-out',
      lastStatus: 'RUNNING',
      queries: script.queryTimes.length,
    });
    expect(time.clock.now()).toBe(SUBMITTED_AT + 10_000);
    expect(Math.max(...script.queryTimes)).toBeLessThanOrEqual(10_000);
  });

  it('queries once past the deadline', async () => {
    const { run, script } = setUp([job('RUNNING')], 100);
    const result = await run();
    expect(result.kind).toBe('timed-out');
    expect(script.queryTimes).toEqual([100]);
  });

  it('ends on SUCCESS before deadline', async () => {
    const { run } = setUp([job('RUNNING'), job('SUCCESS')], 901);
    const result = await run();
    expect(result.kind).toBe('ended');
  });

  it('bounds the number of queries', async () => {
    const { run, script } = setUp([job('RUNNING')], 3_600_000);
    await run();
    expect(script.queryTimes.length).toBeLessThan(200);
  });
});

describe('waitForJob query errors', () => {
  it.each([
    ['HTTP 503', apiError(503)],
    ['HTTP 500', apiError(500)],
    ['HTTP 429 throttled', apiError(429, 'APIGW.0308')],
    ['HTTP 400 IMG.0060', apiError(400, 'IMG.0060')],
    ['a network error', networkError()],
  ])('keeps waiting after %s', async (_case, error) => {
    const { run, logger } = setUp([job('RUNNING'), error, job('SUCCESS')]);
    const result = await run();
    expect(result.kind).toBe('ended');
    expect(result.queries).toBe(3);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain('The wait goes on');
  });

  it('times out with transient errors only', async () => {
    const { run } = setUp([networkError()], 5_000);
    const result = await run();
    expect(result).toEqual({
      kind: 'timed-out',
      lastStatus: undefined,
      queries: expect.any(Number),
    });
  });

  it.each([
    ['HTTP 401', apiError(401, 'APIGW.0301')],
    ['HTTP 403', apiError(403, 'IMG.0026')],
    ['HTTP 404', apiError(404, 'APIGW.0101')],
    ['HTTP 400', apiError(400, 'IMG.0023')],
    ['a plain error', new TypeError('bad body')],
  ])('throws %s', async (_case, error) => {
    const { run } = setUp([job('RUNNING'), error]);
    await expect(run()).rejects.toBe(error);
  });

  it('retries an empty body', async () => {
    const { run, logger } = setUp([null as unknown as Job, job('SUCCESS')]);
    const result = await run();
    expect(result.kind).toBe('ended');
    expect(logger.warnings[0]).toContain('returned no body');
  });
});

describe('waitForJob cancellation', () => {
  it('rejects when aborted before start', async () => {
    const { run, controller, script } = setUp([job('RUNNING')]);
    controller.abort();
    await expect(run()).rejects.toBeInstanceOf(CancelledError);
    expect(script.queryTimes).toEqual([]);
  });

  it('rejects when aborted while waiting', async () => {
    const time = fakeTime();
    const controller = new AbortController();
    const script = scriptedShowJob([job('RUNNING')], time.clock, (index) => {
      if (index === 2) controller.abort();
    });
    const result = waitForJob(script.showJob, JOB_ID, controller.signal, {
      clock: time.clock,
      sleep: time.sleep,
      logger: recordingLogger(),
      deadline: SUBMITTED_AT + 60_000,
      submittedAt: SUBMITTED_AT,
    });
    await expect(result).rejects.toBeInstanceOf(CancelledError);
    expect(script.queryTimes).toHaveLength(3);
  });
});

describe('waitForJob schedule', () => {
  it('counts from submission time', async () => {
    const { run, script, time } = setUp([job('RUNNING'), job('SUCCESS')]);
    time.advance(700);
    await run();
    expect(script.queryTimes).toEqual([700, 900]);
  });

  it('sends no burst after slow query', async () => {
    const time = fakeTime();
    const script = scriptedShowJob(
      [...Array.from({ length: 15 }, () => job('RUNNING')), job('SUCCESS')],
      time.clock,
      (index) => {
        if (index === 0) time.advance(5_000);
      },
    );
    await waitForJob(script.showJob, JOB_ID, new AbortController().signal, {
      clock: time.clock,
      sleep: time.sleep,
      logger: recordingLogger(),
      deadline: SUBMITTED_AT + 60_000,
      submittedAt: SUBMITTED_AT,
    });
    const starts = script.queryTimes;
    for (let i = 2; i < starts.length; i += 1) {
      expect(starts[i] as number).toBeGreaterThan(starts[i - 1] as number);
    }
  });
});
