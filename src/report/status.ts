/** The step's overall outcome, derived from the ledger's counts. */

import type { PairStatus } from '../share/ledger.js';

export type StepStatus =
  'success' | 'failed' | 'timed-out' | 'cancelled' | 'submitted' | 'planned';

export interface RunEnd {
  cancelled: boolean;
  timedOut: boolean;
  /** A dry run, which changes nothing and reports the plan. */
  dryRun?: boolean;
}

/**
 * Returns the step status: `cancelled` and `timed-out` first, `planned` for
 * a dry run, then `failed` when any pair failed, was skipped or ended
 * unknown, `submitted` when jobs were left running, else `success`.
 */
export function computeStepStatus(
  counts: Record<PairStatus, number>,
  end: RunEnd,
): StepStatus {
  if (end.cancelled) return 'cancelled';
  if (end.timedOut) return 'timed-out';
  if (end.dryRun) return 'planned';
  if (counts.failed > 0 || counts.skipped > 0 || counts.unknown > 0) {
    return 'failed';
  }
  if (counts.submitted > 0) return 'submitted';
  return 'success';
}

/** Whether the step should fail for this status. */
export function isFailure(status: StepStatus): boolean {
  return status !== 'success' && status !== 'submitted' && status !== 'planned';
}
