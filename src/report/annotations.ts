/** Annotations on the run page: errors for failed pairs, a notice on success. */

import * as core from '@actions/core';

import { MAX_ERROR_ANNOTATIONS } from '../constants.js';
import type { Operation } from '../inputs.js';
import type { LedgerView, PairResult, PairStatus } from '../share/ledger.js';

/**
 * Emits one error annotation per failed or unknown pair, and per pair
 * skipped because of an error (an image that could not be read), at most
 * ten in all because GitHub shows no more per step. The last one counts
 * the rest.
 */
export function annotateFailures(ledger: LedgerView): void {
  const problems = ledger
    .results()
    .filter(
      (r) =>
        r.status === 'failed' ||
        r.status === 'unknown' ||
        (r.status === 'skipped' && r.error_code !== undefined),
    );
  problems.forEach((result, index) => {
    if (index >= MAX_ERROR_ANNOTATIONS) return;
    const rest = problems.length - MAX_ERROR_ANNOTATIONS;
    const last = index === MAX_ERROR_ANNOTATIONS - 1 && rest > 0;
    const suffix = last
      ? ` (${rest} more pair(s) failed, ended unknown or were not attempted; see the job summary and results-file.)`
      : '';
    core.error(`${describe(result)}${suffix}`, { title: title(result) });
  });
}

const DONE: Record<Operation, string> = {
  share: 'Shared',
  unshare: 'Stopped sharing',
  accept: 'Accepted',
  reject: 'Rejected',
};

/** Emits one notice that summarises a successful run. */
export function annotateSuccess(
  ledger: LedgerView,
  operation: Operation,
): void {
  const counts = ledger.counts();
  const unchanged = counts['already-shared'] + counts['not-shared'];
  core.notice(
    `${DONE[operation]}: ${counts.success} pair(s) changed and ${unchanged} needed no change, for ${countImages(ledger)} image(s) in ${ledger.regions.join(', ')}.`,
    { title: `IMS ${operation}: success` },
  );
}

/** Verbs of the annotation titles of pairs that did not succeed. */
const VERBS: Partial<Record<PairStatus, string>> = {
  failed: 'failed',
  skipped: 'was not attempted',
};

function title(result: PairResult): string {
  const verb = VERBS[result.status] ?? 'ended unknown';
  return `Image ${result.image_id} and ${result.target_type} ${result.target_id} in ${result.region} ${verb}`;
}

function describe(result: PairResult): string {
  const code = result.error_code ? `${result.error_code}: ` : '';
  const job = result.job_id ? ` (job ${result.job_id})` : '';
  return `${code}${result.message ?? 'No reason given.'}${job}`;
}

function countImages(ledger: LedgerView): number {
  return new Set(ledger.pairs.map((pair) => pair.imageId)).size;
}
