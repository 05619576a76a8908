/** Step outputs and the results file. */

import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as core from '@actions/core';

import { MAX_INLINE_RESULTS_CHARS, Outputs } from '../constants.js';
import type { LedgerView } from '../share/ledger.js';
import type { StepStatus } from './status.js';

/**
 * Writes the whole results array to a new file under `runnerTemp` (the
 * runner's `RUNNER_TEMP`, or the system's temporary folder) and returns its
 * path.
 */
export async function writeResultsFile(
  ledger: LedgerView,
  runnerTemp: string | undefined,
): Promise<string> {
  const path = join(
    runnerTemp || tmpdir(),
    `ims-share-results-${randomUUID()}.json`,
  );
  await writeFile(path, `${JSON.stringify(ledger.results(), null, 2)}\n`);
  return path;
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
  const results = JSON.stringify(ledger.results());
  core.setOutput(Outputs.JobId, ledger.jobIds().join('\n'));
  core.setOutput(Outputs.Status, status);
  if (results.length <= MAX_INLINE_RESULTS_CHARS) {
    core.setOutput(Outputs.Results, results);
  } else {
    core.setOutput(Outputs.Results, '[]');
    core.warning(
      `The results of ${ledger.pairs.length} pairs are too large for the ${Outputs.Results} output ` +
        `(${results.length} characters); read them from the file in ${Outputs.ResultsFile}.`,
    );
  }
  core.setOutput(Outputs.ResultsFile, resultsFile ?? '');
  core.setOutput(
    Outputs.SharedCount,
    String(counts.success + counts['already-shared']),
  );
  core.setOutput(Outputs.FailedCount, String(counts.failed));
}
