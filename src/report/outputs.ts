/** Step outputs and the results file. */

import { randomUUID } from 'node:crypto';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as core from '@actions/core';

import { MAX_INLINE_RESULTS_CHARS, Outputs } from '../constants.js';
import type { LedgerView, PairResult } from '../share/ledger.js';
import type { StepStatus } from './status.js';

/** Results written to the results file per `write` call. */
const RESULTS_PER_WRITE = 1000;

/**
 * Writes the whole results array to a new file under `runnerTemp` (the
 * runner's `RUNNER_TEMP`, or the system's temporary folder) and returns its
 * path. The text is that of `JSON.stringify(results, null, 2)`, written a
 * thousand results at a time so that the whole text is never in memory.
 */
export async function writeResultsFile(
  ledger: LedgerView,
  runnerTemp: string | undefined,
): Promise<string> {
  const path = join(
    runnerTemp || tmpdir(),
    `ims-share-results-${randomUUID()}.json`,
  );
  const results = ledger.results();
  const file = await open(path, 'w');
  try {
    if (results.length === 0) {
      await file.write('[]\n');
      return path;
    }
    for (let start = 0; start < results.length; start += RESULTS_PER_WRITE) {
      const text = results
        .slice(start, start + RESULTS_PER_WRITE)
        .map((result) => indent(JSON.stringify(result, null, 2)))
        .join(',\n');
      const opening = start === 0 ? '[\n' : ',\n';
      await file.write(`${opening}${text}`);
    }
    await file.write('\n]\n');
  } finally {
    await file.close();
  }
  return path;
}

/** Indents every line by two spaces, as an array element of `JSON.stringify(…, null, 2)`. */
function indent(text: string): string {
  return `  ${text.replace(/\n/g, '\n  ')}`;
}

/**
 * Returns the results as compact JSON when it has at most `limit`
 * characters, and `undefined` as soon as it is known to be longer, without
 * building the longer text.
 */
export function compactResults(
  results: readonly PairResult[],
  limit: number,
): string | undefined {
  const parts: string[] = [];
  let length = 2;
  for (const result of results) {
    const part = JSON.stringify(result);
    length += part.length + (parts.length > 0 ? 1 : 0);
    if (length > limit) return undefined;
    parts.push(part);
  }
  return `[${parts.join(',')}]`;
}

/**
 * Sets every output from the ledger. `results` contains the array unless it
 * would pass GitHub's output size limit; then it is `[]` and a warning points
 * to `results-file`.
 */
export function setOutputs(
  ledger: LedgerView,
  status: StepStatus,
  resultsFile: string | undefined,
): void {
  const counts = ledger.counts();
  const results = compactResults(ledger.results(), MAX_INLINE_RESULTS_CHARS);
  core.setOutput(Outputs.JobId, ledger.jobIds().join('\n'));
  core.setOutput(Outputs.Status, status);
  if (results !== undefined) {
    core.setOutput(Outputs.Results, results);
  } else {
    core.setOutput(Outputs.Results, '[]');
    core.warning(
      `The results of ${ledger.pairs.length} pairs are too large for the ${Outputs.Results} output ` +
        `(more than ${MAX_INLINE_RESULTS_CHARS} characters); read them from the file in ${Outputs.ResultsFile}.`,
    );
  }
  core.setOutput(Outputs.ResultsFile, resultsFile ?? '');
  core.setOutput(
    Outputs.SharedCount,
    String(counts.success + counts['already-shared']),
  );
  core.setOutput(Outputs.FailedCount, String(counts.failed));
}
