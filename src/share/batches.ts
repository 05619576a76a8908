/**
 * Cuts open pairs into batch requests. A batch shares every image in it
 * with every target in it, so images are grouped by their exact set of
 * open targets: no batch re-sends a pair that is settled, and no pair is in
 * two batches.
 */

import type { Target } from '../inputs.js';
import { targetKey, type Pair } from './ledger.js';
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
  // Images whose open pairs have the same targets in the same order share a
  // group. Each image keeps its pairs in that order, so a slice of targets
  // is the same slice of every image's pairs.
  const groups = new Map<
    string,
    { images: string[]; targets: Target[]; pairsOf: Pair[][] }
  >();
  for (const [imageId, imagePairs] of groupByImage(pairs)) {
    const targets = imagePairs.map((pair) => pair.target);
    const key = targets.map(targetKey).join(',');
    const group = groups.get(key) ?? { images: [], targets, pairsOf: [] };
    group.images.push(imageId);
    group.pairsOf.push(imagePairs);
    groups.set(key, group);
  }
  const batches: Batch[] = [];
  for (const group of groups.values()) {
    const { imagesPerRequest, targetsPerRequest } = limits;
    for (let i = 0; i < group.images.length; i += imagesPerRequest) {
      const images = group.images.slice(i, i + imagesPerRequest);
      const imagePairs = group.pairsOf.slice(i, i + imagesPerRequest);
      for (let t = 0; t < group.targets.length; t += targetsPerRequest) {
        const end = t + targetsPerRequest;
        batches.push({
          images,
          targets: group.targets.slice(t, end),
          pairs: imagePairs.flatMap((own) => own.slice(t, end)),
        });
      }
    }
  }
  return batches;
}
