import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Target } from '../src/inputs.js';
import { planBatches } from '../src/share/batches.js';
import { Ledger, targetKey, type Pair } from '../src/share/ledger.js';

/** Identifies a pair in the tests' own maps. */
function pairKey(imageId: string, target: Target): string {
  return `${imageId}|${targetKey(target)}`;
}

function imageIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `image-${i}`);
}

function targets(count: number): Target[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'project' as const,
    id: `project-${i}`,
  }));
}

function describeBatch(batch: { images: string[]; targets: Target[] }) {
  return `${batch.images.join('+')} x ${batch.targets.map((t) => t.id).join('+')}`;
}

const LARGE = { imagesPerRequest: 100, targetsPerRequest: 100 };

describe('planBatches', () => {
  it('puts all open pairs in one batch', () => {
    const ledger = new Ledger('r', imageIds(2), targets(3));
    const batches = planBatches(ledger.open(), LARGE);
    expect(batches.map(describeBatch)).toEqual([
      'image-0+image-1 x project-0+project-1+project-2',
    ]);
    expect(batches[0]?.pairs).toEqual([...ledger.pairs]);
  });

  it('splits images by the limit', () => {
    const ledger = new Ledger('r', imageIds(5), targets(1));
    const batches = planBatches(ledger.open(), {
      imagesPerRequest: 2,
      targetsPerRequest: 100,
    });
    expect(batches.map(describeBatch)).toEqual([
      'image-0+image-1 x project-0',
      'image-2+image-3 x project-0',
      'image-4 x project-0',
    ]);
  });

  it('splits targets by the limit', () => {
    const ledger = new Ledger('r', imageIds(1), targets(3));
    const batches = planBatches(ledger.open(), {
      imagesPerRequest: 100,
      targetsPerRequest: 2,
    });
    expect(batches.map(describeBatch)).toEqual([
      'image-0 x project-0+project-1',
      'image-0 x project-2',
    ]);
  });

  it('groups images by open targets', () => {
    const ledger = new Ledger('r', imageIds(3), targets(2));
    const settled = ledger.find('image-1', {
      type: 'project',
      id: 'project-1',
    });
    if (settled) ledger.settle(settled, 'already-shared');
    const batches = planBatches(ledger.open(), LARGE);
    expect(batches.map(describeBatch)).toEqual([
      'image-0+image-2 x project-0+project-1',
      'image-1 x project-0',
    ]);
  });

  it('returns no batch without pairs', () => {
    expect(planBatches([], LARGE)).toEqual([]);
  });
});

describe('planBatches properties', () => {
  const scenario = fc
    .record({
      imageCount: fc.integer({ min: 1, max: 8 }),
      targetCount: fc.integer({ min: 1, max: 8 }),
      imagesPerRequest: fc.integer({ min: 1, max: 4 }),
      targetsPerRequest: fc.integer({ min: 1, max: 4 }),
    })
    .chain((sizes) =>
      fc.record({
        sizes: fc.constant(sizes),
        settled: fc.uniqueArray(
          fc.integer({ min: 0, max: sizes.imageCount * sizes.targetCount - 1 }),
          { maxLength: sizes.imageCount * sizes.targetCount },
        ),
        inJob: fc.boolean(),
      }),
    );

  it('covers open pairs within limits', () => {
    fc.assert(
      fc.property(scenario, ({ sizes, settled, inJob }) => {
        const ledger = new Ledger(
          'r',
          imageIds(sizes.imageCount),
          targets(sizes.targetCount),
        );
        for (const index of settled) {
          const pair = ledger.pairs[index] as Pair;
          if (inJob && index % 2 === 0) ledger.markInJob([pair], 'job-0');
          else ledger.settle(pair, 'already-shared');
        }
        const open = ledger.open();
        const batches = planBatches(open, sizes);

        const seen = new Map<string, number>();
        for (const batch of batches) {
          expect(batch.images.length).toBeGreaterThan(0);
          expect(batch.images.length).toBeLessThanOrEqual(
            sizes.imagesPerRequest,
          );
          expect(batch.targets.length).toBeGreaterThan(0);
          expect(batch.targets.length).toBeLessThanOrEqual(
            sizes.targetsPerRequest,
          );
          expect(batch.pairs).toHaveLength(
            batch.images.length * batch.targets.length,
          );
          for (const image of batch.images) {
            for (const target of batch.targets) {
              const pair = ledger.find(image, target);
              expect(pair?.state).toBe('open');
              expect(batch.pairs).toContain(pair);
            }
          }
          for (const pair of batch.pairs) {
            const key = pairKey(pair.imageId, pair.target);
            seen.set(key, (seen.get(key) ?? 0) + 1);
          }
        }

        expect(seen.size).toBe(open.length);
        for (const pair of open) {
          expect(seen.get(pairKey(pair.imageId, pair.target))).toBe(1);
        }
      }),
    );
  });
});
