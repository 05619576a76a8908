/**
 * Measures the heap that the results of a scale case take by themselves:
 * the ledger's pairs, settled as in a successful run, and the results array
 * that the report collects from them. Run with `node --expose-gc --import
 * tsx bench/results-footprint.ts IMAGES PROJECTS`; prints the bytes.
 *
 * The strings are made the way the action makes them: IDs once from the
 * inputs and shared by every pair, job IDs once per batch, and each member
 * status parsed from its own JSON member.
 */

import { MergedLedger, Ledger } from '../src/share/ledger.js';
import type { Target } from '../src/inputs.js';
import { OWNER, benchImageId, benchProjectId } from './fixtures.js';
import { BATCH_LIMIT } from './scale.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('Run with node --expose-gc.');

/** Live heap after a full collection, in bytes. */
function liveHeap(collect: () => void): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

/** Builds the results of `images` × `projects` pairs and returns them. */
function buildResults(images: number, projects: number): unknown[] {
  const imageIds = Array.from({ length: images }, (_, i) => benchImageId(i));
  const targets: Target[] = Array.from({ length: projects }, (_, i) => ({
    type: 'project',
    id: benchProjectId(i),
  }));
  const ledger = new Ledger(OWNER.region, imageIds, targets);
  const pairs = ledger.pairs;
  for (let i = 0; i < images; i += BATCH_LIMIT) {
    for (let t = 0; t < projects; t += BATCH_LIMIT) {
      const jobId = `${i}-${t}`.padEnd(32, '0');
      const batch = pairs.filter((pair, index) => {
        const image = Math.floor(index / projects);
        const target = index % projects;
        return (
          image >= i &&
          image < i + BATCH_LIMIT &&
          target >= t &&
          target < t + BATCH_LIMIT
        );
      });
      ledger.markInJob(batch, jobId);
      for (const pair of batch) {
        const member = JSON.parse(
          `{"member_id":"${pair.target.id}","status":"pending"}`,
        ) as { status: string };
        ledger.settle(pair, 'success', { memberStatus: member.status });
      }
    }
  }
  const merged = new MergedLedger([ledger]);
  return [merged, merged.results()];
}

const [images, projects] = process.argv.slice(2).map(Number);
if (!images || !projects) {
  throw new Error('Usage: results-footprint.ts IMAGES PROJECTS');
}
const before = liveHeap(gc);
const results = buildResults(images, projects);
const after = liveHeap(gc);
process.stdout.write(`${after - before}\n`);
// Keeps the results alive until after the second measurement.
if (results.length !== 2) process.exitCode = 1;
