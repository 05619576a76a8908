import { describe, expect, it } from 'vitest';
import type { ImageMember, Job, JobResultItem } from '../src/cloud/ims.js';
import type { Target } from '../src/inputs.js';
import { Ledger, type Pair } from '../src/share/ledger.js';
import {
  decideOutcome,
  findResultItem,
  normaliseItemStatus,
} from '../src/share/outcome.js';

const IMAGE_ID = 'd164b5df-1bc3-4c3f-893e-3e471fd16e64';
const OTHER_IMAGE_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const TARGET: Target = {
  type: 'project',
  id: '0123456789abcdef0123456789abcdef',
};
const OTHER_TARGET: Target = {
  type: 'project',
  id: 'fedcba9876543210fedcba9876543210',
};
const JOB_ID = '4010a32c8c1e4b1f9d0a2e3f4b5c6d7e';

function pairFor(target: Target = TARGET): Pair {
  const ledger = new Ledger('ap-southeast-1', [IMAGE_ID], [target]);
  return ledger.pairs[0] as Pair;
}

function jobWith(status: string, results: JobResultItem[] = []): Job {
  return {
    status,
    job_id: JOB_ID,
    error_code: status === 'FAIL' ? 'IMG.0112' : null,
    fail_reason: status === 'FAIL' ? 'Failed to add the member.' : null,
    entities: { results },
  };
}

function member(status: string, target: Target = TARGET): ImageMember {
  return {
    member_id: target.id,
    member_type: 'project',
    status,
  };
}

describe('normaliseItemStatus', () => {
  it.each([
    [undefined, undefined],
    ['success', 'success'],
    ['SUCCESS', 'success'],
    ['Success', 'success'],
    ['fail', 'failed'],
    ['FAIL', 'failed'],
    ['failed', 'failed'],
    ['FAILED', 'failed'],
    ['running', 'other'],
    ['', 'other'],
  ])('maps %j to %j', (status, expected) => {
    expect(normaliseItemStatus(status)).toBe(expected);
  });
});

describe('findResultItem', () => {
  const pair = pairFor();

  it('finds the item naming the pair', () => {
    const item = {
      image_id: IMAGE_ID,
      project_id: TARGET.id.toUpperCase(),
      status: 'success',
    };
    const job = jobWith('SUCCESS', [
      { image_id: IMAGE_ID, project_id: OTHER_TARGET.id, status: 'failed' },
      item,
    ]);
    expect(findResultItem(job, pair, 2)).toBe(item);
  });

  it('prefers a named item', () => {
    const named = { image_id: IMAGE_ID, project_id: TARGET.id, status: 'fail' };
    const job = jobWith('SUCCESS', [
      { image_id: IMAGE_ID, status: 'success' },
      named,
    ]);
    expect(findResultItem(job, pair, 1)).toBe(named);
  });

  it('uses unnamed item for one target', () => {
    const unnamed = { image_id: IMAGE_ID, status: 'success' };
    const job = jobWith('SUCCESS', [unnamed]);
    expect(findResultItem(job, pair, 1)).toBe(unnamed);
  });

  it('ignores unnamed item for several targets', () => {
    const job = jobWith('SUCCESS', [{ image_id: IMAGE_ID, status: 'success' }]);
    expect(findResultItem(job, pair, 2)).toBeUndefined();
  });

  it('ignores items of other images', () => {
    const job = jobWith('SUCCESS', [
      { image_id: OTHER_IMAGE_ID, project_id: TARGET.id, status: 'success' },
      { image_id: OTHER_IMAGE_ID, status: 'success' },
    ]);
    expect(findResultItem(job, pair, 1)).toBeUndefined();
  });

  it('ignores items of other targets', () => {
    const job = jobWith('SUCCESS', [
      { image_id: IMAGE_ID, project_id: OTHER_TARGET.id, status: 'success' },
    ]);
    expect(findResultItem(job, pair, 1)).toBeUndefined();
  });

  it.each([
    ['no entities', { status: 'SUCCESS' }],
    ['null entities', { status: 'SUCCESS', entities: null }],
    ['null results', { status: 'SUCCESS', entities: { results: null } }],
  ])('handles %s', (_case, job: Job) => {
    expect(findResultItem(job, pair, 1)).toBeUndefined();
  });
});

type MemberState = 'present' | 'absent' | 'unreadable';
type ItemState = 'success' | 'failed' | 'missing';

function membersFor(state: MemberState): ImageMember[] | undefined {
  if (state === 'unreadable') return undefined;
  const others = [member('accepted', OTHER_TARGET)];
  return state === 'present' ? [...others, member('pending')] : others;
}

function itemFor(state: ItemState): JobResultItem | undefined {
  if (state === 'missing') return undefined;
  return { image_id: IMAGE_ID, project_id: TARGET.id, status: state };
}

describe('decideOutcome decision table', () => {
  it.each([
    ['present', 'success', 'SUCCESS', 'success'],
    ['present', 'success', 'FAIL', 'success'],
    ['present', 'failed', 'SUCCESS', 'success'],
    ['present', 'failed', 'FAIL', 'success'],
    ['present', 'missing', 'SUCCESS', 'success'],
    ['present', 'missing', 'FAIL', 'success'],
    ['absent', 'success', 'SUCCESS', 'failed'],
    ['absent', 'success', 'FAIL', 'failed'],
    ['absent', 'failed', 'SUCCESS', 'failed'],
    ['absent', 'failed', 'FAIL', 'failed'],
    ['absent', 'missing', 'SUCCESS', 'failed'],
    ['absent', 'missing', 'FAIL', 'failed'],
    ['unreadable', 'success', 'SUCCESS', 'success'],
    ['unreadable', 'success', 'FAIL', 'failed'],
    ['unreadable', 'failed', 'SUCCESS', 'failed'],
    ['unreadable', 'failed', 'FAIL', 'failed'],
    ['unreadable', 'missing', 'SUCCESS', 'unknown'],
    ['unreadable', 'missing', 'FAIL', 'failed'],
  ] as const)(
    'member %s, item %s, job %s: %s',
    (members, item, jobStatus, expected) => {
      const outcome = decideOutcome(
        pairFor(),
        jobWith(jobStatus),
        itemFor(item),
        membersFor(members),
      );
      expect(outcome.status).toBe(expected);
    },
  );
});

describe('decideOutcome details', () => {
  it('reports the member status', () => {
    const outcome = decideOutcome(
      pairFor(),
      jobWith('SUCCESS'),
      itemFor('success'),
      [member('accepted')],
    );
    expect(outcome.memberStatus).toBe('accepted');
    expect(outcome.message).toBeUndefined();
  });

  it('notes a failed item with member', () => {
    const outcome = decideOutcome(
      pairFor(),
      jobWith('FAIL'),
      itemFor('failed'),
      [member('pending')],
    );
    expect(outcome.memberStatus).toBe('pending');
    expect(outcome.message).toContain('reported this pair as failed');
    expect(outcome.errorCode).toBeUndefined();
  });

  it('explains a missing member', () => {
    const outcome = decideOutcome(
      pairFor(),
      jobWith('SUCCESS'),
      itemFor('success'),
      [],
    );
    expect(outcome.message).toContain(`Job ${JOB_ID} reported this pair`);
    expect(outcome.message).toContain(`do not list ${TARGET.id}`);
  });

  it('carries the job error code', () => {
    const outcome = decideOutcome(
      pairFor(),
      jobWith('FAIL'),
      itemFor('failed'),
      [],
    );
    expect(outcome.errorCode).toBe('IMG.0112');
    expect(outcome.message).toBe(
      `Job ${JOB_ID} failed with IMG.0112. The job's reason, given once for all its pairs: Failed to add the member.`,
    );
  });

  it('describes an item failure in success', () => {
    const outcome = decideOutcome(
      pairFor(),
      jobWith('SUCCESS'),
      itemFor('failed'),
      undefined,
    );
    expect(outcome.errorCode).toBeUndefined();
    expect(outcome.message).toBe(
      `Job ${JOB_ID} ended without sharing this pair.`,
    );
  });

  it('marks unconfirmed success', () => {
    const outcome = decideOutcome(
      pairFor(),
      jobWith('SUCCESS'),
      itemFor('success'),
      undefined,
    );
    expect(outcome.message).toContain('Not confirmed');
  });

  it('explains an unknown outcome', () => {
    const outcome = decideOutcome(
      pairFor(),
      jobWith('SUCCESS'),
      undefined,
      undefined,
    );
    expect(outcome.message).toContain('neither its results nor the members');
  });

  it('matches members case-insensitively', () => {
    const upper = { ...member('accepted'), member_id: TARGET.id.toUpperCase() };
    const outcome = decideOutcome(pairFor(), jobWith('SUCCESS'), undefined, [
      upper,
    ]);
    expect(outcome.status).toBe('success');
  });
});

describe('decideOutcome with unnamed items', () => {
  const unnamed = (status: string): Job =>
    jobWith('SUCCESS', [{ image_id: IMAGE_ID, status }]);

  it('trusts an unnamed item for one target', () => {
    const pair = pairFor();
    const job = unnamed('success');
    const outcome = decideOutcome(
      pair,
      job,
      findResultItem(job, pair, 1),
      undefined,
    );
    expect(outcome.status).toBe('success');
  });

  it('ignores unnamed items for several targets', () => {
    const pair = pairFor();
    const job = unnamed('success');
    const outcome = decideOutcome(
      pair,
      job,
      findResultItem(job, pair, 2),
      undefined,
    );
    expect(outcome.status).toBe('unknown');
  });

  it('fails an unnamed failed item', () => {
    const pair = pairFor();
    const job = unnamed('failed');
    const outcome = decideOutcome(
      pair,
      job,
      findResultItem(job, pair, 1),
      undefined,
    );
    expect(outcome.status).toBe('failed');
  });
});
