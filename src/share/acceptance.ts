/**
 * Waits, after sharing, until the receiving projects have accepted, for
 * pipelines whose next step runs in those projects.
 */

import type { Clock, Sleep } from '../clock.js';
import type { ImsClient } from '../cloud/ims.js';
import { ApiError, NetworkError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { mapWithConcurrency } from './concurrency.js';
import type { Ledger, Pair } from './ledger.js';
import { nextPollTime } from './poll-schedule.js';
import { memberMatches } from './preflight.js';

export interface AcceptanceOptions {
  ims: ImsClient;
  ledger: Ledger;
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
  signal: AbortSignal;
  deadline: number;
  concurrency: number;
}

/**
 * Polls the members of shared images until every shared project pair is
 * `accepted`, one is `rejected`, or the deadline passes. Updates each pair's
 * member status; a rejected pair becomes `failed`. Returns whether the
 * deadline passed with pairs still pending.
 */
export async function waitForAcceptance(
  options: AcceptanceOptions,
): Promise<boolean> {
  const { ledger, clock, logger } = options;
  let waiting = pendingPairs(ledger);
  if (waiting.length === 0) return false;
  logger.info(
    `Waiting for ${waiting.length} pair(s) to be accepted by the receiving projects.`,
  );
  const startedAt = clock.now();
  let pollAt = 0;
  for (;;) {
    await refresh(waiting, options);
    waiting = pendingPairs(ledger);
    if (waiting.length === 0) return false;
    if (clock.now() >= options.deadline) break;
    pollAt = Math.max(nextPollTime(pollAt), clock.now() - startedAt);
    const delay = Math.min(startedAt + pollAt, options.deadline) - clock.now();
    if (delay > 0) await options.sleep(delay, options.signal);
  }
  for (const pair of waiting) {
    ledger.addNote(pair, 'Not accepted before the timeout.');
  }
  return true;
}

/** Shared project pairs whose member is not yet accepted or rejected. */
function pendingPairs(ledger: Ledger): Pair[] {
  return ledger.pairs.filter(
    (pair) =>
      (pair.state === 'success' || pair.state === 'already-shared') &&
      pair.target.type === 'project' &&
      pair.memberStatus !== 'accepted' &&
      pair.memberStatus !== 'rejected',
  );
}

async function refresh(
  pairs: Pair[],
  options: AcceptanceOptions,
): Promise<void> {
  const images = [...new Set(pairs.map((pair) => pair.imageId))];
  await mapWithConcurrency(images, options.concurrency, async (imageId) => {
    let members;
    try {
      members = await options.ims.listImageMembers(imageId, options.signal);
    } catch (error) {
      if (!(error instanceof ApiError || error instanceof NetworkError))
        throw error;
      options.logger.warning(
        `Reading the members of image ${imageId} failed: ${errorMessage(error)}`,
      );
      return;
    }
    for (const pair of pairs.filter((p) => p.imageId === imageId)) {
      const member = members.find((m) => memberMatches(m, pair.target));
      if (member === undefined) continue;
      pair.memberStatus = member.status;
      if (member.status === 'rejected') {
        options.ledger.revise(pair, 'failed', {
          memberStatus: member.status,
          message: `Project ${pair.target.id} rejected the shared image.`,
        });
      }
    }
  });
}
