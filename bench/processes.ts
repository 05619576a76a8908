/**
 * Spawns Node.js scripts the way the runner starts an action (`node
 * script` with a prepared environment) and measures them.
 */

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** Root folder of the repository. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

const MEMORY_PRELOAD = join(ROOT, 'bench', 'report-memory.mjs');

/** Options of one measured process. */
export interface ScriptRunOptions {
  script: string;
  /** Node.js binary; the one that runs the harness when absent. */
  node?: string | undefined;
  env: Record<string, string>;
  /**
   * Preloads `report-memory.mjs`, which adds a little start-up time: `rss`
   * reads the peak RSS; `live-heap` also runs with --expose-gc and samples
   * the live heap, which forces a collection every 100 ms and so slows the
   * run down.
   */
  memory?: 'rss' | 'live-heap';
  /** Kills the process after this many ms. */
  killAfterMs?: number;
  /** Called with `performance.now()` just before the spawn. */
  onSpawn?: (startedAt: number) => void;
  /** Called when the process exits, before its output is read. */
  onExit?: () => void;
}

/** What one process did. */
export interface ScriptRun {
  exitCode: number | null;
  /** `performance.now()` just before the spawn. */
  startedAt: number;
  /** `performance.now()` at the exit event. */
  exitedAt: number;
  stdoutBytes: number;
  stderr: string;
  /** Peak RSS in KiB; undefined unless `memory` was set. */
  maxRssKiB: number | undefined;
  /** Peak live heap in bytes; undefined unless `memory` was `live-heap`. */
  peakLiveHeapBytes: number | undefined;
}

/** Runs `node script` and resolves when it has exited and closed its pipes. */
export async function runScript(options: ScriptRunOptions): Promise<ScriptRun> {
  const memoryDir =
    options.memory === undefined
      ? undefined
      : await mkdtemp(join(tmpdir(), 'ims-bench-memory-'));
  const memoryFile =
    memoryDir === undefined ? undefined : join(memoryDir, 'memory.json');
  const args = [
    ...(options.memory === 'live-heap' ? ['--expose-gc'] : []),
    ...(memoryFile === undefined ? [] : ['--import', MEMORY_PRELOAD]),
    options.script,
  ];
  const env =
    memoryFile === undefined
      ? options.env
      : { ...options.env, BENCH_MEMORY_FILE: memoryFile };
  const startedAt = performance.now();
  options.onSpawn?.(startedAt);
  const child = spawn(options.node ?? process.execPath, args, {
    env,
    cwd: ROOT,
  });
  let stdoutBytes = 0;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdoutBytes += chunk.length));
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    if (stderr.length < 20_000) stderr += text;
  });
  const killer =
    options.killAfterMs === undefined
      ? undefined
      : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
  let exitedAt = 0;
  child.on('exit', () => {
    exitedAt = performance.now();
    options.onExit?.();
  });
  const exitCode = await new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  if (killer) clearTimeout(killer);
  const memory =
    memoryFile === undefined ? undefined : await readMemory(memoryFile);
  if (memoryDir !== undefined) {
    await rm(memoryDir, { recursive: true, force: true });
  }
  return {
    exitCode,
    startedAt,
    exitedAt,
    stdoutBytes,
    stderr,
    maxRssKiB: memory?.maxRssKiB,
    peakLiveHeapBytes: memory?.peakLiveHeapBytes,
  };
}

async function readMemory(
  file: string,
): Promise<{ maxRssKiB?: number; peakLiveHeapBytes?: number } | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : JSON.parse(text);
}

/** Files that the runner hands to an action, in a fresh folder. */
export interface RunnerFiles {
  dir: string;
  output: string;
  summary: string;
  state: string;
}

/** Creates empty GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_STATE files. */
export async function createRunnerFiles(): Promise<RunnerFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'ims-bench-run-'));
  const files: RunnerFiles = {
    dir,
    output: join(dir, 'output'),
    summary: join(dir, 'summary'),
    state: join(dir, 'state'),
  };
  await Promise.all(
    [files.output, files.summary, files.state].map((f) => writeFile(f, '')),
  );
  return files;
}

/** Returns the environment that runs the action with `inputs`. */
export function actionEnv(
  inputs: Record<string, string>,
  files: RunnerFiles,
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    RUNNER_TEMP: files.dir,
  };
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  return env;
}

/** Returns the size of a file in bytes, or 0 when it is missing. */
export async function fileSize(path: string): Promise<number> {
  return stat(path).then(
    (info) => info.size,
    () => 0,
  );
}
