/** The log's list of pairs: one line each, up to a limit. */

import { MAX_LOGGED_PAIRS } from '../constants.js';
import type { PairResult } from '../share/ledger.js';
import { sortProblemsFirst } from './summary.js';

/**
 * Writes one line per pair with `write`. Up to `MAX_LOGGED_PAIRS` pairs
 * appear in input order. Past that limit, the lines start with the failed,
 * unknown and skipped pairs, and a last line counts the pairs left out.
 */
export function logPairs(
  results: readonly PairResult[],
  write: (line: string) => void,
): void {
  const listed =
    results.length <= MAX_LOGGED_PAIRS
      ? results
      : sortProblemsFirst(results).slice(0, MAX_LOGGED_PAIRS);
  for (const result of listed) write(describePair(result));
  if (listed.length < results.length) {
    write(
      `${results.length - listed.length} more pair(s) are not listed here; the results-file output holds all ${results.length}.`,
    );
  }
}

function describePair(result: PairResult): string {
  const extra = [result.member_status, result.error_code, result.message]
    .filter(Boolean)
    .join('; ');
  const details = extra ? ` (${extra})` : '';
  return `${result.region} ${result.image_id} -> ${result.target_type} ${result.target_id}: ${result.status}${details}`;
}
