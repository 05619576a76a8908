/**
 * End-to-end: re-runs, pre-flight checks, lost responses, batching,
 * cancellation and secrets, with the bundled action against the emulator.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startEmulator, type Emulator } from '../../emulator/index.js';
import {
  IMAGES,
  OWNER_KEY,
  OWNER_PROJECT,
  OWNER_TEMP_KEY,
  TARGETS,
  baseInputs,
} from './fixtures.js';
import {
  annotations,
  parseResults as results,
  runAction,
} from './run-action.js';

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({ port: 0 });
  emulator.updateSettings({ jobDurationMs: 300 });
});

afterEach(async () => {
  await emulator.close();
});

describe('re-runs and pre-flight', () => {
  it('changes nothing when run again', async () => {
    const inputs = {
      ...baseInputs(emulator.url),
      'image-ids': `${IMAGES.web}\n${IMAGES.database}`,
      'project-ids': TARGETS.partner,
    };
    const first = await runAction({ inputs });
    expect(first.exitCode).toBe(0);
    const jobsAfterFirst = emulator.jobs().length;
    const second = await runAction({ inputs });
    expect(second.exitCode).toBe(0);
    expect(second.outputs.status).toBe('success');
    expect(second.outputs['job-id']).toBe('');
    expect(emulator.jobs()).toHaveLength(jobsAfterFirst);
    const list = results(second.outputs);
    expect(list.map((r) => r.status)).toEqual([
      'already-shared',
      'already-shared',
    ]);
    expect(list.map((r) => r.member_status)).toEqual(['pending', 'pending']);
  });

  it('fails pairs that cannot succeed before any job', async () => {
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': [
          IMAGES.encrypted,
          IMAGES.publicImage,
          '00000000-0000-4000-8000-000000000000',
          IMAGES.web,
        ].join('\n'),
        'project-ids': TARGETS.partner,
      },
    });
    expect(run.exitCode).toBe(1);
    const list = results(run.outputs);
    expect(list.map((r) => r.status)).toEqual([
      'failed',
      'failed',
      'failed',
      'success',
    ]);
    expect(list[0]?.message).toContain('encrypted');
    expect(list[1]?.message).toContain('public image');
    expect(list[2]?.message).toContain('not found');
    expect(list.slice(0, 3).every((r) => r.job_id === null)).toBe(true);
    expect(emulator.jobs()).toHaveLength(1);
  });

  it('skips valid pairs when on-invalid is fail', async () => {
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': `${IMAGES.encrypted}\n${IMAGES.web}`,
        'project-ids': TARGETS.partner,
        'on-invalid': 'fail',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(results(run.outputs).map((r) => r.status)).toEqual([
      'failed',
      'skipped',
    ]);
    expect(emulator.jobs()).toHaveLength(0);
  });

  it('splits large requests into batches', async () => {
    emulator.updateSettings({
      maxImagesPerRequest: 1,
      maxTargetsPerRequest: 1,
    });
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': `${IMAGES.web}\n${IMAGES.database}`,
        'project-ids': `${TARGETS.partner}\n${TARGETS.other}`,
        'images-per-request': '1',
        'targets-per-request': '1',
        concurrency: '2',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(emulator.jobs()).toHaveLength(4);
    expect((run.outputs['job-id'] ?? '').split('\n')).toHaveLength(4);
    expect(results(run.outputs).every((r) => r.status === 'success')).toBe(
      true,
    );
  });
});

describe('lost responses', () => {
  it.each(['no-op', 'failed-item'] as const)(
    'reconciles a submit whose response was lost (%s)',
    async (existingMember) => {
      emulator.updateSettings({ existingMember });
      emulator.addFault({
        route: 'addMembers',
        times: 1,
        action: { kind: 'drop', stage: 'after-acting' },
      });
      const run = await runAction({
        inputs: {
          ...baseInputs(emulator.url),
          'image-ids': IMAGES.web,
          'project-ids': TARGETS.partner,
          'unknown-outcome-wait': '5s',
        },
      });
      expect(run.exitCode).toBe(0);
      const [result] = results(run.outputs);
      expect(result?.status).toBe('success');
      expect(result?.message).toContain(
        'outcome of a request to share was unknown',
      );
      expect(emulator.jobs()).toHaveLength(1);
    },
  );

  it('resubmits when a lost request was never carried out', async () => {
    emulator.addFault({
      route: 'addMembers',
      times: 1,
      action: { kind: 'drop', stage: 'before-acting' },
    });
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
        'unknown-outcome-wait': '2s',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(results(run.outputs)[0]?.status).toBe('success');
    expect(emulator.jobs()).toHaveLength(1);
    expect(emulator.getMembers(IMAGES.web)).toHaveLength(1);
  });
});

describe('cancellation', () => {
  it('stops on SIGINT and writes outputs', async () => {
    emulator.addFault({
      route: 'addMembers',
      action: { kind: 'job-never-finishes' },
    });
    let signalledAt = 0;
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
      },
      onSpawn: (child) => {
        const poll = setInterval(() => {
          if (emulator.jobs().length > 0) {
            clearInterval(poll);
            signalledAt = Date.now();
            child.kill('SIGINT');
          }
        }, 50);
      },
      killAfterMs: 20_000,
    });
    const exitedAfter = Date.now() - signalledAt;
    expect(run.signal).toBeNull();
    expect(run.exitCode).not.toBe(0);
    expect(exitedAfter).toBeLessThan(5000);
    expect(run.outputs.status).toBe('cancelled');
    const jobId = emulator.jobs()[0]?.id ?? '';
    expect(run.outputs['job-id']).toBe(jobId);
    expect(results(run.outputs)[0]?.status).toBe('unknown');
    expect(annotations(run.stdout, 'error').at(-1)).toContain(jobId);
  });
});

describe('an image that cannot be read', () => {
  /** Makes every member listing of the database image fail with 500. */
  function failDatabaseReads(): void {
    emulator.addFault({
      route: {
        method: 'GET',
        path: `/v1/{project}/cloudimages/${IMAGES.database}/members`,
      },
      times: 'always',
      action: { kind: 'server-error', status: 500 },
    });
  }

  const inputs = () => ({
    ...baseInputs(emulator.url),
    'image-ids': `${IMAGES.web}\n${IMAGES.database}`,
    'project-ids': TARGETS.partner,
    'retry-max-attempts': '1',
  });

  it('leaves out only that image', async () => {
    failDatabaseReads();
    const run = await runAction({ inputs: inputs() });
    expect(run.exitCode).toBe(1);
    expect(results(run.outputs).map((r) => r.status)).toEqual([
      'success',
      'skipped',
    ]);
    expect(annotations(run.stdout, 'error')[0]).toContain(IMAGES.database);
    expect(emulator.getMembers(IMAGES.web)).toHaveLength(1);
  });

  it('fails a dry run', async () => {
    failDatabaseReads();
    const run = await runAction({ inputs: { ...inputs(), 'dry-run': 'true' } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('planned');
    expect(annotations(run.stdout, 'error').at(-1)).toContain(
      '1 whose image could not be read',
    );
  });

  it('shares nothing with on-invalid fail', async () => {
    failDatabaseReads();
    const run = await runAction({
      inputs: { ...inputs(), 'on-invalid': 'fail' },
    });
    expect(run.exitCode).toBe(1);
    expect(results(run.outputs).map((r) => r.status)).toEqual([
      'skipped',
      'skipped',
    ]);
    expect(emulator.jobs()).toHaveLength(0);
  });
});

describe('timeout', () => {
  it('starts no retry past the timeout', async () => {
    emulator.addFault({
      route: 'addMembers',
      times: 'always',
      action: {
        kind: 'throttle',
        retryAfter: { seconds: 40, format: 'seconds' },
      },
    });
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
        timeout: '8s',
      },
      killAfterMs: 60_000,
    });
    expect(run.durationMs).toBeLessThan(8_000);
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('timed-out');
    const [result] = results(run.outputs);
    expect(result?.status).toBe('skipped');
    expect(result?.message).toContain(
      "Not submitted before the step's timeout",
    );
    expect(result?.message).toContain('raise timeout');
    expect(emulator.jobs()).toHaveLength(0);
  });

  it('reports a read cut by the timeout as timed out', async () => {
    emulator.addFault({
      route: 'listImages',
      times: 'always',
      action: { kind: 'delay', ms: 20_000 },
    });
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
        timeout: '2s',
        'request-timeout': '30s',
      },
      killAfterMs: 60_000,
    });
    // The attempt limit is cut to the time left, but not below 10 s.
    expect(run.durationMs).toBeLessThan(15_000);
    expect(run.outputs.status).toBe('timed-out');
    const [result] = results(run.outputs);
    expect(result?.status).toBe('skipped');
    expect(result?.message).toContain('no response within 10 s');
    expect(emulator.jobs()).toHaveLength(0);
  });
});

describe('cancellation of a member request', () => {
  /**
   * Sends SIGINT `afterMs` after the emulator has responded to `count`
   * requests of `route`. The emulator records a request when it responds.
   */
  function interruptAfter(route: string, afterMs: number, count = 1) {
    return (child: import('node:child_process').ChildProcess) => {
      const poll = setInterval(() => {
        const seen = emulator.requests.filter((r) => r.route === route);
        if (seen.length >= count) {
          clearInterval(poll);
          setTimeout(() => child.kill('SIGINT'), afterMs);
        }
      }, 20);
    };
  }

  it('reports unknown when cancelled with a submit in flight', async () => {
    emulator.addFault({
      route: 'addMembers',
      times: 1,
      action: { kind: 'delay', ms: 5000 },
    });
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
      },
      // Pre-flight ends with the member listing; the submit follows at once
      // and is held for 5 s.
      onSpawn: interruptAfter('listMembers', 500),
      killAfterMs: 20_000,
    });
    expect(run.outputs.status).toBe('cancelled');
    const [result] = results(run.outputs);
    expect(result?.status).toBe('unknown');
    expect(result?.message).toContain('request to share was in flight');
  });

  it('reports unknown when cancelled while checking a lost submit', async () => {
    emulator.updateSettings({ jobDurationMs: 15_000 });
    emulator.addFault({
      route: 'addMembers',
      times: 1,
      action: { kind: 'drop', stage: 'after-acting' },
    });
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
        'unknown-outcome-wait': '30s',
      },
      // Pre-flight reads the members once, and the watch after the lost
      // submit reads them again; interrupt the watch.
      onSpawn: interruptAfter('listMembers', 0, 2),
      killAfterMs: 20_000,
    });
    expect(run.outputs.status).toBe('cancelled');
    const [result] = results(run.outputs);
    expect(result?.status).toBe('unknown');
    expect(result?.message).toContain('whose response was lost');
  });

  it('reports skipped when cancelled before any submit', async () => {
    emulator.addFault({
      route: 'listMembers',
      action: { kind: 'delay', ms: 5000 },
    });
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
      },
      // The image read gets its response; the member listing is held for 5 s.
      onSpawn: interruptAfter('listImages', 300),
      killAfterMs: 20_000,
    });
    expect(run.outputs.status).toBe('cancelled');
    expect(results(run.outputs)[0]?.status).toBe('skipped');
    expect(emulator.requests.some((r) => r.route === 'addMembers')).toBe(false);
  });
});

describe('secrets', () => {
  it('never prints a credential', async () => {
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'access-key': OWNER_TEMP_KEY.ak,
        'secret-key': OWNER_TEMP_KEY.sk,
        'security-token': OWNER_TEMP_KEY.token,
        'image-ids': `${IMAGES.web}\n${IMAGES.encrypted}`,
        'project-ids': TARGETS.partner,
      },
      debug: true,
    });
    expect(run.outputs.status).toBe('failed');
    const printed = [
      ...run.stdout
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::')),
      run.stderr,
      run.summary,
      JSON.stringify(run.outputs),
    ].join('\n');
    const signatures = emulator.requests
      .map((r) => r.signature)
      .filter(Boolean);
    for (const secret of [
      OWNER_TEMP_KEY.ak,
      OWNER_TEMP_KEY.sk,
      OWNER_TEMP_KEY.token,
      OWNER_KEY.sk,
      ...signatures,
    ]) {
      expect(printed).not.toContain(secret);
    }
    expect(run.stdout).toContain(`::add-mask::${OWNER_TEMP_KEY.sk}`);
  });

  it('masks keys from the environment', async () => {
    const inputs = baseInputs(emulator.url);
    delete inputs['access-key'];
    delete inputs['secret-key'];
    delete inputs['project-id'];
    const run = await runAction({
      inputs: {
        ...inputs,
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
      },
      env: {
        HW_ACCESS_KEY: OWNER_KEY.ak,
        HW_SECRET_KEY: OWNER_KEY.sk,
        HW_PROJECT_ID: OWNER_PROJECT,
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`::add-mask::${OWNER_KEY.sk}`);
    expect(run.stdout).toContain('Project ID from HW_PROJECT_ID');
  });
});
