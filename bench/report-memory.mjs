// Preloaded with `node --import` in the memory runs. On exit, it writes a
// JSON object to the file named by BENCH_MEMORY_FILE. The object contains the
// peak resident set size (`process.resourceUsage().maxRSS`, KiB on Linux)
// and, when the process runs with --expose-gc, the peak live heap. For the
// latter, the preload forces a full collection every 100 ms and reads
// `heapUsed`, which is then the size of the objects still reachable.

import { writeFileSync } from 'node:fs';
import { setInterval } from 'node:timers';

const SAMPLE_INTERVAL_MS = 100;
const file = process.env.BENCH_MEMORY_FILE;
const gc = globalThis.gc;
let peakLiveHeapBytes;

function sample() {
  gc();
  const { heapUsed } = process.memoryUsage();
  peakLiveHeapBytes = Math.max(peakLiveHeapBytes ?? 0, heapUsed);
}

if (file) {
  if (typeof gc === 'function') {
    setInterval(sample, SAMPLE_INTERVAL_MS).unref();
  }
  process.on('exit', () => {
    if (typeof gc === 'function') sample();
    const report = {
      maxRssKiB: process.resourceUsage().maxRSS,
      peakLiveHeapBytes,
    };
    writeFileSync(file, JSON.stringify(report));
  });
}
