/**
 * Decides each pair's outcome once its job has ended, from the job's result
 * items and the image's members read afterwards. The members have the last
 * word: a pair the job called shared but the members do not list has failed.
 */

import { JobStatus } from '../constants.js';
import type { ImageMember, Job, JobResultItem } from '../cloud/ims.js';
import type { PairStatus, Pair, Settlement } from './ledger.js';
import type { OperationSpec } from './operations.js';
import { memberMatches } from './preflight.js';

export interface Outcome extends Settlement {
  status: PairStatus;
}

/** Normalises an item status: item statuses are lower case in examples. */
export function normaliseItemStatus(
  status: string | undefined,
): 'success' | 'failed' | 'other' | undefined {
  if (status === undefined) return undefined;
  const lower = status.toLowerCase();
  if (lower === 'success') return 'success';
  if (lower === 'fail' || lower === 'failed') return 'failed';
  return 'other';
}

/** A job's result items by pair key, and those without `project_id` by image. */
interface ResultIndex {
  named: Map<string, JobResultItem>;
  unnamed: Map<string, JobResultItem>;
}

/** Indexes built once per job, because a job can report 10,000 items. */
const resultIndexes = new WeakMap<Job, ResultIndex>();

function indexResults(job: Job): ResultIndex {
  const cached = resultIndexes.get(job);
  if (cached) return cached;
  const index: ResultIndex = { named: new Map(), unnamed: new Map() };
  for (const item of job.entities?.results ?? []) {
    if (item.image_id === undefined) continue;
    if (item.project_id === undefined || item.project_id === null) {
      if (!index.unnamed.has(item.image_id)) {
        index.unnamed.set(item.image_id, item);
      }
      continue;
    }
    const key = `${item.image_id}|${item.project_id.toLowerCase()}`;
    if (!index.named.has(key)) index.named.set(key, item);
  }
  resultIndexes.set(job, index);
  return index;
}

/**
 * Finds the job's result item for a pair. Items without `project_id` name
 * the pair only when the batch had a single target.
 */
export function findResultItem(
  job: Job,
  pair: Pair,
  targetCount: number,
): JobResultItem | undefined {
  const index = indexResults(job);
  const named = index.named.get(`${pair.imageId}|${pair.target.id}`);
  if (named) return named;
  if (targetCount !== 1) return undefined;
  return index.unnamed.get(pair.imageId);
}

/**
 * Returns a pair's outcome. `members` is `undefined` when the members could
 * not be read after the job; the job's own report is then used, marked as
 * unconfirmed.
 */
export function decideOutcome(
  pair: Pair,
  job: Job,
  item: JobResultItem | undefined,
  members: ImageMember[] | undefined,
  spec?: OperationSpec,
): Outcome {
  const itemStatus = normaliseItemStatus(item?.status);
  const jobFailure = describeJobFailure(job);
  const isDone =
    spec?.isDone ?? ((m: ImageMember | undefined) => m !== undefined);
  if (members !== undefined) {
    const member = members.find((m) => memberMatches(m, pair.target));
    if (isDone(member)) {
      return {
        status: 'success',
        memberStatus: member?.status,
        message:
          itemStatus === 'failed'
            ? `The job reported this pair as failed, but the image's members show it done${member ? ` (${member.status})` : ''}.`
            : undefined,
      };
    }
    if (itemStatus === 'success' && job.status === JobStatus.Success) {
      return {
        status: 'failed',
        memberStatus: member?.status,
        message: `Job ${job.job_id ?? ''} reported this pair as done, but the image's members ${member ? `show ${pair.target.id} as ${member.status}` : `do not list ${pair.target.id}`}.`,
      };
    }
    return { status: 'failed', memberStatus: member?.status, ...jobFailure };
  }
  if (job.status === JobStatus.Success && itemStatus === 'success') {
    return {
      status: 'success',
      message: 'Not confirmed: the members could not be read after the job.',
    };
  }
  if (job.status === JobStatus.Fail || itemStatus === 'failed') {
    return { status: 'failed', ...jobFailure };
  }
  return {
    status: 'unknown',
    message:
      'The job ended, but neither its results nor the members (which could not be read) show this pair.',
  };
}

/**
 * Describes why a job did not do a pair. IMS reports one `error_code` and
 * `fail_reason` per job, not per pair, so the message marks the reason as
 * the job's, because it may name another image of the batch.
 */
function describeJobFailure(job: Job): Settlement {
  const code = job.error_code ?? undefined;
  const reason = job.fail_reason ?? undefined;
  const jobReason = reason
    ? ` The job's reason, given once for all its pairs: ${reason}`
    : '';
  const message =
    job.status === JobStatus.Fail
      ? `Job ${job.job_id ?? ''} failed${code ? ` with ${code}` : ''}.${jobReason}`
      : `Job ${job.job_id ?? ''} ended without sharing this pair${code ? ` (${code})` : ''}.${jobReason}`;
  return { errorCode: code, message };
}
