/**
 * Cuts open pairs into batch requests. A batch shares every image in it
 * with every target in it, so images are grouped by their exact set of
 * open targets: no batch re-sends a pair that is settled, and no pair is in
 * two batches.
 */

import type { Target } from '../inputs.js';
import { pairKey, type Pair } from './ledger.js';
import { groupByImage } from './preflight.js';

export interface Batch {
  images: string[];
  targets: Target[];
  /** The pairs of the batch: every image with every target. */
  pairs: Pair[];
}

export interface BatchLimits {
  imagesPerRequest: number;
  targetsPerRequest: number;
}

/** Returns batches that together hold each open pair exactly once. */
export function planBatches(pairs: Pair[], limits: BatchLimits): Batch[] {
  const groups = new Map<string, { images: string[]; targets: Target[] }>();
  for (const [imageId, imagePairs] of groupByImage(pairs)) {
    const targets = imagePairs.map((pair) => pair.target);
    const key = targets.map((t) => `${t.type}:${t.id}`).join(',');
    const group = groups.get(key) ?? { images: [], targets };
    group.images.push(imageId);
    groups.set(key, group);
  }
  const byKey = new Map(
    pairs.map((pair) => [pairKey(pair.imageId, pair.target), pair]),
  );
  const batches: Batch[] = [];
  for (const group of groups.values()) {
    for (const images of chunk(group.images, limits.imagesPerRequest)) {
      for (const targets of chunk(group.targets, limits.targetsPerRequest)) {
        const batchPairs = images.flatMap((image) =>
          targets.map((target) => byKey.get(pairKey(image, target)) as Pair),
        );
        batches.push({ images, targets, pairs: batchPairs });
      }
    }
  }
  return batches;
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    chunks.push(items.slice(i, i + size));
  return chunks;
}
