/**
 * The ledger of (image, target) pairs. Every step writes its findings here
 * and the report reads only the ledger, so each pair is reported exactly
 * once, in input order.
 */

import type { Target } from '../inputs.js';

/** Final outcomes of a pair, as reported in `results`. */
export type PairStatus =
  | 'success'
  | 'already-shared'
  | 'not-shared'
  | 'planned'
  | 'failed'
  | 'skipped'
  | 'submitted'
  | 'unknown';

export const PAIR_STATUSES: readonly PairStatus[] = [
  'success',
  'already-shared',
  'not-shared',
  'planned',
  'failed',
  'skipped',
  'submitted',
  'unknown',
];

/** One entry of the `results` output; field names are the output's contract. */
export interface PairResult {
  image_id: string;
  target_id: string;
  target_type: Target['type'];
  region: string;
  job_id: string | null;
  status: PairStatus;
  /** The member's `pending`, `accepted` or `rejected` state, where known. */
  member_status?: string;
  error_code?: string;
  message?: string;
}

/** A pair while the run is under way: `open` until a step settles it. */
export interface Pair {
  readonly imageId: string;
  readonly target: Target;
  state: 'open' | 'in-job' | PairStatus;
  jobId: string | undefined;
  memberStatus: string | undefined;
  errorCode: string | undefined;
  message: string | undefined;
  /**
   * Notes that stay with the pair whatever its outcome, such as a lost
   * response. Absent until the first note, because most pairs get none.
   */
  notes?: string[];
}

export interface Settlement {
  memberStatus?: string | undefined;
  errorCode?: string | undefined;
  message?: string | undefined;
}

/** The read-only view the report uses: one region's ledger, or several merged. */
export interface LedgerView {
  readonly regions: readonly string[];
  readonly pairs: readonly Pair[];
  results(): readonly PairResult[];
  counts(): Record<PairStatus, number>;
  jobIds(): string[];
}

export class Ledger implements LedgerView {
  readonly region: string;
  readonly #pairs: Pair[] = [];
  // `find` computes a pair's position from these two small maps instead of
  // keeping a key per pair: 100,000 pairs would otherwise hold 100,000 keys.
  readonly #imagePositions = new Map<string, number>();
  readonly #targetPositions = new Map<string, number>();
  readonly #targetCount: number;
  readonly #jobIds: string[] = [];

  /** Lays out one pair per image and target: images first, then targets. */
  constructor(region: string, imageIds: string[], targets: Target[]) {
    this.region = region;
    this.#targetCount = targets.length;
    imageIds.forEach((imageId, position) => {
      if (!this.#imagePositions.has(imageId)) {
        this.#imagePositions.set(imageId, position);
      }
    });
    targets.forEach((target, position) => {
      const key = targetKey(target);
      if (!this.#targetPositions.has(key)) {
        this.#targetPositions.set(key, position);
      }
    });
    for (const imageId of imageIds) {
      for (const target of targets) {
        this.#pairs.push({
          imageId,
          target,
          state: 'open',
          jobId: undefined,
          memberStatus: undefined,
          errorCode: undefined,
          message: undefined,
        });
      }
    }
  }

  get regions(): readonly string[] {
    return [this.region];
  }

  /** All pairs in input order. */
  get pairs(): readonly Pair[] {
    return this.#pairs;
  }

  /** Returns the pair of an image and target, if the run has one. */
  find(imageId: string, target: Target): Pair | undefined {
    const image = this.#imagePositions.get(imageId);
    const position = this.#targetPositions.get(targetKey(target));
    if (image === undefined || position === undefined) return undefined;
    return this.#pairs[image * this.#targetCount + position];
  }

  /** Adds a note that the pair's result message keeps whatever its outcome. */
  addNote(pair: Pair, note: string): void {
    (pair.notes ??= []).push(note);
  }

  /** Pairs that no step has settled or submitted yet. */
  open(): Pair[] {
    return this.#pairs.filter((pair) => pair.state === 'open');
  }

  /** Marks pairs as part of a submitted job. */
  markInJob(pairs: Pair[], jobId: string): void {
    if (!this.#jobIds.includes(jobId)) this.#jobIds.push(jobId);
    for (const pair of pairs) {
      this.#assertUnsettled(pair);
      pair.state = 'in-job';
      pair.jobId = jobId;
    }
  }

  /** Gives a pair its final status; settling a pair twice is a bug. */
  settle(pair: Pair, status: PairStatus, details: Settlement = {}): void {
    this.#assertUnsettled(pair);
    pair.state = status;
    pair.memberStatus = details.memberStatus;
    pair.errorCode = details.errorCode;
    pair.message = details.message;
  }

  /**
   * Changes a settled pair's status, for what is learnt after its job: a
   * shared image that the receiving project then rejects.
   */
  revise(pair: Pair, status: PairStatus, details: Settlement = {}): void {
    pair.state = status;
    pair.memberStatus = details.memberStatus;
    pair.errorCode = details.errorCode;
    pair.message = details.message;
  }

  /**
   * Settles every pair still open or in a job, as at a timeout or
   * cancellation. Open pairs get `openMessage` when it is given.
   */
  settleRemaining(
    inJob: PairStatus,
    open: PairStatus,
    message: string,
    openMessage: string = message,
  ): void {
    for (const pair of this.#pairs) {
      if (pair.state === 'in-job') this.settle(pair, inJob, { message });
      else if (pair.state === 'open') {
        this.settle(pair, open, { message: openMessage });
      }
    }
  }

  /** Returns the `results` array: one object per pair, in input order. */
  results(): PairResult[] {
    return this.#pairs.map((pair) => toResult(pair, this.region));
  }

  /** Counts the pairs of each final status; unsettled pairs count as unknown. */
  counts(): Record<PairStatus, number> {
    const counts = zeroCounts();
    for (const pair of this.#pairs) counts[finalStatus(pair)] += 1;
    return counts;
  }

  /** IDs of every job submitted, in submission order. */
  jobIds(): string[] {
    return [...this.#jobIds];
  }

  #assertUnsettled(pair: Pair): void {
    if (pair.state !== 'open' && pair.state !== 'in-job') {
      throw new Error(
        `Internal error: pair ${pair.imageId} / ${pair.target.id} is already ${pair.state}.`,
      );
    }
  }
}

/**
 * The report's view of every region's ledger, in region order. The report
 * builds it once every step has ended, so the pairs and results are
 * collected on first use and kept. The report reads them several times, and
 * at 100,000 pairs each copy costs megabytes.
 */
export class MergedLedger implements LedgerView {
  readonly #ledgers: readonly Ledger[];
  #pairs: readonly Pair[] | undefined;
  #results: readonly PairResult[] | undefined;

  constructor(ledgers: readonly Ledger[]) {
    this.#ledgers = ledgers;
  }

  get regions(): readonly string[] {
    return this.#ledgers.map((ledger) => ledger.region);
  }

  get pairs(): readonly Pair[] {
    this.#pairs ??= this.#ledgers.flatMap((ledger) => ledger.pairs);
    return this.#pairs;
  }

  results(): readonly PairResult[] {
    this.#results ??= this.#ledgers.flatMap((ledger) => ledger.results());
    return this.#results;
  }

  counts(): Record<PairStatus, number> {
    const counts = zeroCounts();
    for (const ledger of this.#ledgers) {
      for (const [status, count] of Object.entries(ledger.counts())) {
        counts[status as PairStatus] += count;
      }
    }
    return counts;
  }

  jobIds(): string[] {
    return this.#ledgers.flatMap((ledger) => ledger.jobIds());
  }
}

function zeroCounts(): Record<PairStatus, number> {
  return Object.fromEntries(
    PAIR_STATUSES.map((status) => [status, 0]),
  ) as Record<PairStatus, number>;
}

/** Key of a target in lookup maps. */
export function targetKey(target: Target): string {
  return `${target.type}|${target.id}`;
}

function finalStatus(pair: Pair): PairStatus {
  return pair.state === 'open' || pair.state === 'in-job'
    ? 'unknown'
    : pair.state;
}

function toResult(pair: Pair, region: string): PairResult {
  const result: PairResult = {
    image_id: pair.imageId,
    target_id: pair.target.id,
    target_type: pair.target.type,
    region,
    job_id: pair.jobId ?? null,
    status: finalStatus(pair),
  };
  if (pair.memberStatus) result.member_status = pair.memberStatus;
  if (pair.errorCode) result.error_code = pair.errorCode;
  const message = [pair.message, ...(pair.notes ?? [])]
    .filter(Boolean)
    .join(' ');
  if (message) result.message = message;
  return result;
}
