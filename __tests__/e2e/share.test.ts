/**
 * End-to-end: the bundled action against the emulator over real HTTP.
 */

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startEmulator, type Emulator } from '../../emulator/index.js';
import {
  IMAGES,
  OWNER_KEY,
  OWNER_PROJECT,
  REGION,
  TARGETS,
  baseInputs,
} from './fixtures.js';
import {
  annotations,
  parseResults as results,
  runAction,
} from './run-action.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});

afterAll(async () => {
  await emulator.close();
});

afterEach(async () => {
  await emulator.close();
  emulator = await startEmulator({ port: 0 });
  emulator.updateSettings({ jobDurationMs: 300 });
});

describe('sharing', () => {
  it('shares two images with two projects', async () => {
    emulator.updateSettings({ jobDurationMs: 300 });
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': `${IMAGES.web}\n${IMAGES.database}`,
        'project-ids': `${TARGETS.partner}, ${TARGETS.other}`,
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('success');
    expect(run.outputs['shared-count']).toBe('4');
    expect(run.outputs['failed-count']).toBe('0');
    const list = results(run.outputs);
    expect(list.map((r) => [r.image_id, r.target_id, r.status])).toEqual([
      [IMAGES.web, TARGETS.partner, 'success'],
      [IMAGES.web, TARGETS.other, 'success'],
      [IMAGES.database, TARGETS.partner, 'success'],
      [IMAGES.database, TARGETS.other, 'success'],
    ]);
    expect(list.every((r) => r.member_status === 'pending')).toBe(true);
    expect(list.every((r) => r.region === REGION)).toBe(true);
    const jobId = run.outputs['job-id'];
    expect(jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(list.every((r) => r.job_id === jobId)).toBe(true);
    expect(
      emulator
        .getMembers(IMAGES.web)
        .map((m) => m.memberId)
        .sort(),
    ).toEqual([TARGETS.partner, TARGETS.other].sort());
    expect(annotations(run.stdout, 'notice')).toHaveLength(1);
    expect(annotations(run.stdout, 'error')).toHaveLength(0);
    expect(run.summary).toContain('IMS share: success');
    expect(run.summary).toContain(jobId);
    expect(JSON.parse(run.outputs['results-file-content'] ?? '')).toEqual(list);
  });

  it('fails the step when the job fails', async () => {
    emulator.updateSettings({ jobDurationMs: 300, failedPairMode: 'fail-job' });
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGES.web,
        'project-ids': `${TARGETS.partner}\n${TARGETS.otherRegion}`,
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    const list = results(run.outputs);
    expect(list.map((r) => r.status)).toEqual(['failed', 'failed']);
    expect(list[1]?.error_code).toBe('IMG.0177');
    const jobId = run.outputs['job-id'] ?? '';
    const failure = annotations(run.stdout, 'error').at(-1) ?? '';
    expect(failure).toContain('IMS image sharing failed');
    expect(failure).toContain(jobId);
    expect(failure).toContain('IMG.0177');
    expect(emulator.getMembers(IMAGES.web)).toHaveLength(0);
  });

  it('reports a failed pair inside a successful job', async () => {
    emulator.updateSettings({ jobDurationMs: 300, failedPairMode: 'partial' });
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGES.web,
        'project-ids': `${TARGETS.partner}\n${TARGETS.otherRegion}`,
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    const list = results(run.outputs);
    expect(list.map((r) => r.status)).toEqual(['success', 'failed']);
    expect(run.outputs['shared-count']).toBe('1');
    expect(run.outputs['failed-count']).toBe('1');
    const errors = annotations(run.stdout, 'error');
    expect(errors[0]).toContain(
      `title=Image ${IMAGES.web} and project ${TARGETS.otherRegion} in ${REGION} failed`,
    );
  });

  it.each(['image-only', 'none'] as const)(
    'decides pairs from members when items are %s',
    async (resultItems) => {
      emulator.updateSettings({
        jobDurationMs: 300,
        failedPairMode: 'partial',
        resultItems,
      });
      const run = await runAction({
        inputs: {
          ...baseInputs(emulator.url),
          'image-ids': `${IMAGES.web}\n${IMAGES.database}`,
          'project-ids': `${TARGETS.partner}\n${TARGETS.otherRegion}`,
        },
      });
      expect(run.exitCode).toBe(1);
      expect(results(run.outputs).map((r) => r.status)).toEqual([
        'success',
        'failed',
        'success',
        'failed',
      ]);
    },
  );

  it('rejects bad input before any request', async () => {
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': 'not-an-image',
        'project-ids': TARGETS.partner,
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('failed');
    expect(run.stdout).toContain('Input image-ids contains "not-an-image"');
    expect(emulator.requests).toHaveLength(0);
  });

  it('retries throttling on submit', async () => {
    emulator.addFault({
      route: 'addMembers',
      times: 2,
      action: {
        kind: 'throttle',
        retryAfter: { seconds: 1, format: 'seconds' },
      },
    });
    emulator.addFault({
      route: 'addMembers',
      times: 1,
      action: { kind: 'flow-control' },
    });
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('success');
    expect(emulator.faultCounts().total).toBe(3);
    expect(emulator.jobs()).toHaveLength(1);
    expect(run.stdout).toMatch(/Retrying share images .*attempt 2 of 5/);
  });

  it('survives transient faults while polling', async () => {
    emulator.updateSettings({ jobDurationMs: 1500 });
    emulator.addFault({
      route: 'showJob',
      times: 1,
      action: { kind: 'server-error', status: 503 },
    });
    emulator.addFault({
      route: 'showJob',
      times: 1,
      action: { kind: 'drop', stage: 'after-headers' },
    });
    emulator.addFault({
      route: 'showJob',
      times: 1,
      action: { kind: 'server-error', status: 500 },
    });
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
      },
    });
    expect(run.exitCode).toBe(0);
    expect(results(run.outputs)[0]?.status).toBe('success');
    expect(emulator.faultCounts().total).toBe(3);
  });

  it('times out on a job that never ends', async () => {
    emulator.addFault({
      route: 'addMembers',
      action: { kind: 'job-never-finishes' },
    });
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
        timeout: '3s',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('timed-out');
    const list = results(run.outputs);
    expect(list[0]?.status).toBe('unknown');
    const jobId = run.outputs['job-id'] ?? '';
    const failure = annotations(run.stdout, 'error').at(-1) ?? '';
    expect(failure).toContain('may still finish');
    expect(failure).toContain(`/v1/${OWNER_PROJECT}/jobs/`);
    expect(failure).toContain(jobId);
    expect(run.durationMs).toBeLessThan(10_000);
  });

  it('shares with an IAM token', async () => {
    const response = await fetch(`${emulator.url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: {
                name: 'demo-user',
                password: 'demo-password',
                domain: { name: 'demo-account' },
              },
            },
          },
          scope: { project: { name: REGION } },
        },
      }),
    });
    expect(response.status).toBe(201);
    const token = response.headers.get('x-subject-token') ?? '';
    expect(token).not.toBe('');
    const inputs = baseInputs(emulator.url);
    delete inputs['access-key'];
    delete inputs['secret-key'];
    const run = await runAction({
      inputs: {
        ...inputs,
        'auth-token': token,
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
      },
      debug: true,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('success');
    const printed = run.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    expect(run.stdout).toContain(`::add-mask::${token}`);
    expect(printed).not.toContain(token);
    expect(emulator.requests.every((r) => r.authKind !== 'aksk')).toBe(true);
  });

  it('looks up the project ID with IAM', async () => {
    const inputs = baseInputs(emulator.url);
    delete inputs['project-id'];
    const run = await runAction({
      inputs: {
        ...inputs,
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      `Project ID of ${REGION} from IAM: ${OWNER_PROJECT}`,
    );
    expect(
      emulator.requests.some((r) => r.path.startsWith('/v3/projects')),
    ).toBe(true);
  });

  it('reads keys from the environment', async () => {
    const inputs = baseInputs(emulator.url);
    delete inputs['access-key'];
    delete inputs['secret-key'];
    const run = await runAction({
      inputs: {
        ...inputs,
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
      },
      env: {
        HUAWEICLOUD_SDK_AK: OWNER_KEY.ak,
        HUAWEICLOUD_SDK_SK: OWNER_KEY.sk,
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      'access key from environment HUAWEICLOUD_SDK_AK',
    );
  });

  it('returns at once when not waiting', async () => {
    emulator.updateSettings({ jobDurationMs: 60_000 });
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
        wait: 'false',
      },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('submitted');
    expect(results(run.outputs)[0]?.status).toBe('submitted');
    expect(emulator.requests.some((r) => r.path.includes('/jobs/'))).toBe(
      false,
    );
  });
});
