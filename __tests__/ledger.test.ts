import { describe, expect, it } from 'vitest';
import type { Target } from '../src/inputs.js';
import {
  Ledger,
  PAIR_STATUSES,
  targetKey,
  type Pair,
} from '../src/share/ledger.js';

/** Identifies a pair in the tests' own maps. */
function pairKey(imageId: string, target: Target): string {
  return `${imageId}|${targetKey(target)}`;
}

const IMAGES = ['image-a', 'image-b'];
const TARGETS: Target[] = [
  { type: 'project', id: 'project-1' },
  { type: 'project', id: 'project-2' },
  { type: 'project', id: 'project-3' },
];

function newLedger(): Ledger {
  return new Ledger('ap-southeast-1', IMAGES, TARGETS);
}

/** Returns the ledger's pair of an image and target index. */
function pairOf(ledger: Ledger, imageId: string, targetIndex: number): Pair {
  const pair = ledger.find(imageId, TARGETS[targetIndex] as Target);
  if (pair === undefined) throw new Error(`No pair ${imageId}`);
  return pair;
}

describe('Ledger layout', () => {
  it('creates one pair per combination', () => {
    const ledger = newLedger();
    expect(ledger.pairs).toHaveLength(IMAGES.length * TARGETS.length);
    expect(ledger.results()).toHaveLength(IMAGES.length * TARGETS.length);
  });

  it('orders images first, then targets', () => {
    const order = newLedger()
      .results()
      .map((r) => `${r.image_id}/${r.target_id}`);
    expect(order).toEqual([
      'image-a/project-1',
      'image-a/project-2',
      'image-a/project-3',
      'image-b/project-1',
      'image-b/project-2',
      'image-b/project-3',
    ]);
  });

  it('starts every pair open', () => {
    const ledger = newLedger();
    expect(ledger.open()).toEqual([...ledger.pairs]);
  });

  it('finds pairs by image and target', () => {
    const ledger = newLedger();
    const pair = ledger.find('image-b', { type: 'project', id: 'project-2' });
    expect(pair).toBe(ledger.pairs[4]);
  });

  it('misses unknown pairs', () => {
    const ledger = newLedger();
    expect(
      ledger.find('image-c', { type: 'project', id: 'project-1' }),
    ).toBeUndefined();
    expect(
      ledger.find('image-a', { type: 'project', id: 'project-9' }),
    ).toBeUndefined();
  });

  it('keys every pair distinctly', () => {
    const ledger = newLedger();
    const keys = ledger.pairs.map((pair) => pairKey(pair.imageId, pair.target));
    expect(new Set(keys).size).toBe(ledger.pairs.length);
  });
});

describe('Ledger results', () => {
  it('reports unsettled pairs as unknown', () => {
    const [first] = newLedger().results();
    expect(first).toEqual({
      image_id: 'image-a',
      target_id: 'project-1',
      target_type: 'project',
      region: 'ap-southeast-1',
      job_id: null,
      status: 'unknown',
    });
  });

  it('includes details only when set', () => {
    const ledger = newLedger();
    ledger.markInJob([pairOf(ledger, 'image-a', 0)], 'job-1');
    ledger.settle(pairOf(ledger, 'image-a', 0), 'failed', {
      memberStatus: 'pending',
      errorCode: 'IMG.0088',
      message: 'Quota reached.',
    });
    ledger.settle(pairOf(ledger, 'image-a', 1), 'success');
    const [failed, success] = ledger.results();
    expect(failed).toEqual({
      image_id: 'image-a',
      target_id: 'project-1',
      target_type: 'project',
      region: 'ap-southeast-1',
      job_id: 'job-1',
      status: 'failed',
      member_status: 'pending',
      error_code: 'IMG.0088',
      message: 'Quota reached.',
    });
    expect(Object.keys(success ?? {})).toEqual([
      'image_id',
      'target_id',
      'target_type',
      'region',
      'job_id',
      'status',
    ]);
  });

  it('appends notes to the message', () => {
    const ledger = newLedger();
    const pair = pairOf(ledger, 'image-b', 2);
    ledger.addNote(pair, 'The response was lost.');
    ledger.settle(pair, 'success', { message: 'Shared.' });
    expect(ledger.results()[5]?.message).toBe('Shared. The response was lost.');
  });

  it('reports notes without a message', () => {
    const ledger = newLedger();
    const pair = pairOf(ledger, 'image-b', 2);
    ledger.addNote(pair, 'First note.');
    ledger.addNote(pair, 'Second note.');
    expect(ledger.results()[5]?.message).toBe('First note. Second note.');
  });
});

describe('Ledger settle', () => {
  it('settles an open pair', () => {
    const ledger = newLedger();
    const pair = pairOf(ledger, 'image-a', 1);
    ledger.settle(pair, 'already-shared', { memberStatus: 'accepted' });
    expect(pair.state).toBe('already-shared');
    expect(pair.memberStatus).toBe('accepted');
    expect(ledger.open()).not.toContain(pair);
  });

  it('settles a pair in a job', () => {
    const ledger = newLedger();
    const pair = pairOf(ledger, 'image-a', 1);
    ledger.markInJob([pair], 'job-1');
    expect(pair.state).toBe('in-job');
    expect(ledger.open()).not.toContain(pair);
    ledger.settle(pair, 'success');
    expect(pair.state).toBe('success');
    expect(pair.jobId).toBe('job-1');
  });

  it.each(PAIR_STATUSES)('rejects settling a %s pair', (status) => {
    const ledger = newLedger();
    const pair = pairOf(ledger, 'image-a', 0);
    ledger.settle(pair, status);
    expect(() => ledger.settle(pair, 'success')).toThrow(
      `pair image-a / project-1 is already ${status}`,
    );
    expect(() => ledger.markInJob([pair], 'job-2')).toThrow(/already/);
  });

  it('settles remaining pairs by state', () => {
    const ledger = newLedger();
    ledger.settle(pairOf(ledger, 'image-a', 0), 'success');
    ledger.markInJob(
      [pairOf(ledger, 'image-a', 1), pairOf(ledger, 'image-b', 1)],
      'job-1',
    );
    ledger.settleRemaining('unknown', 'skipped', 'Timed out.');
    expect(ledger.results().map((r) => r.status)).toEqual([
      'success',
      'unknown',
      'skipped',
      'skipped',
      'unknown',
      'skipped',
    ]);
    expect(ledger.results()[0]?.message).toBeUndefined();
    expect(ledger.results()[1]?.message).toBe('Timed out.');
    expect(ledger.results()[2]?.message).toBe('Timed out.');
    expect(ledger.open()).toEqual([]);
  });
});

describe('Ledger counts', () => {
  it('counts each final status', () => {
    const ledger = newLedger();
    ledger.settle(pairOf(ledger, 'image-a', 0), 'success');
    ledger.settle(pairOf(ledger, 'image-a', 1), 'success');
    ledger.settle(pairOf(ledger, 'image-a', 2), 'already-shared');
    ledger.settle(pairOf(ledger, 'image-b', 0), 'failed');
    ledger.markInJob([pairOf(ledger, 'image-b', 1)], 'job-1');
    expect(ledger.counts()).toEqual({
      success: 2,
      'already-shared': 1,
      'not-shared': 0,
      planned: 0,
      failed: 1,
      skipped: 0,
      submitted: 0,
      unknown: 2,
    });
  });

  it('sums to the pair count', () => {
    const ledger = newLedger();
    const total = Object.values(ledger.counts()).reduce((a, b) => a + b, 0);
    expect(total).toBe(ledger.pairs.length);
  });
});

describe('Ledger jobIds', () => {
  it('lists each job once', () => {
    const ledger = newLedger();
    ledger.markInJob(
      [pairOf(ledger, 'image-a', 0), pairOf(ledger, 'image-a', 1)],
      'job-1',
    );
    ledger.markInJob([pairOf(ledger, 'image-a', 2)], 'job-2');
    expect(ledger.jobIds()).toEqual(['job-1', 'job-2']);
  });

  it('lists no job before submission', () => {
    expect(newLedger().jobIds()).toEqual([]);
  });

  it('keeps submission order across images', () => {
    const ledger = newLedger();
    ledger.markInJob([pairOf(ledger, 'image-b', 0)], 'job-first');
    ledger.markInJob([pairOf(ledger, 'image-a', 0)], 'job-second');
    expect(ledger.jobIds()).toEqual(['job-first', 'job-second']);
  });
});
