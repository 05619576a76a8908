/** Description of the machine that ran the benchmark. */

import { availableParallelism, cpus, release, totalmem, type } from 'node:os';

/** Returns one Markdown line per machine fact. */
export function describeMachine(): string[] {
  const model = cpus()[0]?.model.trim() ?? 'unknown';
  const memoryGiB = (totalmem() / 1024 ** 3).toFixed(1);
  return [
    `- CPU: ${model}, ${availableParallelism()} logical CPUs (nproc)`,
    `- Memory: ${memoryGiB} GiB`,
    `- OS: ${type()} ${release()}`,
    `- Node.js: ${process.version} (the harness, and the action in the job-end and scale sections)`,
  ];
}
