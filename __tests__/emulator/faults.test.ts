import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../emulator/index.js';
import { signedRequest } from './client.js';
import {
  IMAGE_A,
  OWNER,
  PARTNER_PROJECT,
  showJob,
  startTestEmulator,
  submitJob,
  waitForJob,
} from './fixtures.js';

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startTestEmulator();
});

afterEach(async () => {
  await emulator.close();
});

const shareBody = { images: [IMAGE_A], projects: [PARTNER_PROJECT] };

function listImages() {
  return signedRequest(emulator.url, OWNER, {
    method: 'GET',
    path: '/v2/cloudimages',
  });
}

function addMembers() {
  return signedRequest(emulator.url, OWNER, {
    method: 'POST',
    path: '/v1/cloudimages/members',
    body: shareBody,
  });
}

describe('response faults', () => {
  it('throttles without Retry-After', async () => {
    emulator.addFault({ route: 'listImages', action: { kind: 'throttle' } });
    const throttled = await listImages();
    const next = await listImages();
    expect(throttled.status).toBe(429);
    expect(throttled.json.error_code).toBe('APIGW.0308');
    expect(throttled.headers['retry-after']).toBeUndefined();
    expect(next.status).toBe(200);
  });

  it('throttles with seconds Retry-After', async () => {
    emulator.addFault({
      route: 'listImages',
      action: {
        kind: 'throttle',
        retryAfter: { seconds: 3, format: 'seconds' },
      },
    });
    const response = await listImages();
    expect(response.headers['retry-after']).toBe('3');
  });

  it('throttles with date Retry-After', async () => {
    emulator.addFault({
      route: 'listImages',
      action: {
        kind: 'throttle',
        retryAfter: { seconds: 5, format: 'http-date' },
      },
    });
    const response = await listImages();
    const retryAt = Date.parse(response.headers['retry-after'] as string);
    expect(retryAt - emulator.now()).toBeGreaterThan(3000);
    expect(retryAt - emulator.now()).toBeLessThanOrEqual(5000);
  });

  it('returns IMG.0060 flow control', async () => {
    emulator.addFault({
      route: 'addMembers',
      action: { kind: 'flow-control' },
    });
    const response = await addMembers();
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('IMG.0060');
    expect(emulator.jobs()).toHaveLength(0);
  });

  for (const status of [500, 502, 503, 504] as const) {
    it(`returns server error ${status}`, async () => {
      emulator.addFault({
        route: 'listImages',
        action: { kind: 'server-error', status },
      });
      const response = await listImages();
      expect(response.status).toBe(status);
      expect(response.json.error.code).toBe('IMG.0061');
    });
  }

  it('returns custom error body', async () => {
    emulator.addFault({
      route: 'listImages',
      action: { kind: 'server-error', status: 503, body: { error_code: 'X' } },
    });
    const response = await listImages();
    expect(response.json).toEqual({ error_code: 'X' });
  });

  it('matches method and path pattern', async () => {
    emulator.addFault({
      route: { method: 'GET', path: '/v1/{project_id}/jobs/*' },
      times: 'always',
      action: { kind: 'server-error', status: 500 },
    });
    const jobId = await submitJob(emulator, OWNER, 'POST', shareBody);
    const first = await showJob(emulator, OWNER, jobId);
    const second = await showJob(emulator, OWNER, jobId);
    expect(first.status).toBe(500);
    expect(second.status).toBe(500);
  });

  it('hits given number of times', async () => {
    emulator.addFault({
      route: 'listImages',
      times: 2,
      action: { kind: 'server-error', status: 502 },
    });
    const statuses: number[] = [];
    for (let index = 0; index < 3; index++) {
      statuses.push((await listImages()).status);
    }
    expect(statuses).toEqual([502, 502, 200]);
  });

  it('delays response', async () => {
    emulator.addFault({
      route: 'listImages',
      action: { kind: 'delay', ms: 150 },
    });
    const started = Date.now();
    const response = await listImages();
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('adds latency setting', async () => {
    emulator.updateSettings({ latencyMs: 100 });
    const started = Date.now();
    await listImages();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });
});

describe('connection drops', () => {
  it('drops before acting', async () => {
    emulator.addFault({
      route: 'addMembers',
      action: { kind: 'drop', stage: 'before-acting' },
    });
    await expect(addMembers()).rejects.toThrow();
    expect(emulator.jobs()).toHaveLength(0);
    expect(emulator.requests.at(-1)?.status).toBeNull();
  });

  it('drops after acting', async () => {
    emulator.addFault({
      route: 'addMembers',
      action: { kind: 'drop', stage: 'after-acting' },
    });
    await expect(addMembers()).rejects.toThrow();
    const jobs = emulator.jobs();
    expect(jobs).toHaveLength(1);
    await waitForJob(emulator, OWNER, jobs[0]!.id);
    expect(emulator.getMembers(IMAGE_A)).toHaveLength(1);
  });

  it('drops after headers', async () => {
    emulator.addFault({
      route: 'addMembers',
      action: { kind: 'drop', stage: 'after-headers' },
    });
    await expect(addMembers()).rejects.toThrow();
    expect(emulator.jobs()).toHaveLength(1);
    expect(emulator.requests.at(-1)?.status).toBe(200);
  });
});

describe('job faults and counts', () => {
  it('job never finishes', async () => {
    emulator.addFault({
      route: 'addMembers',
      action: { kind: 'job-never-finishes' },
    });
    const jobId = await submitJob(emulator, OWNER, 'POST', shareBody);
    emulator.advanceClock(60 * 60 * 1000);
    const response = await showJob(emulator, OWNER, jobId);
    expect(response.json.status).toBe('RUNNING');
  });

  it('sets job duration', async () => {
    emulator.addFault({
      route: 'addMembers',
      action: { kind: 'job-duration', ms: 5000 },
    });
    const jobId = await submitJob(emulator, OWNER, 'POST', shareBody);
    expect(emulator.getJob(jobId)?.durationMs).toBe(5000);
  });

  it('ignores job fault on other routes', async () => {
    emulator.addFault({
      route: { path: '/v2/cloudimages' },
      action: { kind: 'job-never-finishes' },
    });
    await listImages();
    expect(emulator.faultCounts().total).toBe(0);
  });

  it('counts injected faults', async () => {
    const throttleId = emulator.addFault({
      route: 'listImages',
      times: 2,
      action: { kind: 'throttle' },
    });
    emulator.addFault({
      id: 'flow',
      route: 'addMembers',
      action: { kind: 'flow-control' },
    });
    await listImages();
    await listImages();
    await listImages();
    await addMembers();
    const counts = emulator.faultCounts();
    expect(counts.total).toBe(3);
    expect(counts.byId[throttleId]).toBe(2);
    expect(counts.byId.flow).toBe(1);
    expect(counts.byKind.throttle).toBe(2);
  });

  it('rejects invalid fault spec', () => {
    expect(() =>
      emulator.addFault({
        route: 'nope' as never,
        action: { kind: 'throttle' },
      }),
    ).toThrow('fault.route');
  });
});
