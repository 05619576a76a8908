/**
 * Runs the bundled action (`dist/index.js`) as a subprocess, the way the
 * runner does: inputs as INPUT_* variables, outputs and the summary in
 * files. Used by the end-to-end tests.
 */

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { PairResult } from '../../src/share/ledger.js';

export const ACTION_ENTRY = fileURLToPath(
  new URL('../../dist/index.js', import.meta.url),
);

export interface ActionRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  state: Record<string, string>;
  /** Milliseconds from spawn to exit. */
  durationMs: number;
}

export interface RunActionOptions {
  /** Input values by input name, as in a workflow's `with:`. */
  inputs: Record<string, string>;
  /** Extra environment variables, such as credentials. */
  env?: Record<string, string>;
  /** Sets RUNNER_DEBUG=1 so `core.debug` lines are printed. */
  debug?: boolean;
  /** Called with the child process once it has started. */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
  /** Kills the process after this many ms. */
  killAfterMs?: number;
}

/** Converts an input name to the variable the runner sets for it. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Parses a GITHUB_OUTPUT or GITHUB_STATE file in either of its two forms. */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [
        string,
        string,
        string,
      ];
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) {
        value.push(lines[i] as string);
      }
      values[name] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      values[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return values;
}

/** Spawns the bundled action and collects everything it wrote. */
export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'ims-action-run-'));
  const files = {
    output: join(dir, 'output'),
    summary: join(dir, 'summary'),
    state: join(dir, 'state'),
  };
  await Promise.all(Object.values(files).map((f) => writeFile(f, '')));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    RUNNER_TEMP: dir,
    ...(options.debug ? { RUNNER_DEBUG: '1' } : {}),
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs)) {
    env[inputVariable(name)] = value;
  }
  const started = Date.now();
  const child = spawn(process.execPath, [ACTION_ENTRY], { env });
  options.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout
    .setEncoding('utf8')
    .on('data', (chunk: string) => (stdout += chunk));
  child.stderr
    .setEncoding('utf8')
    .on('data', (chunk: string) => (stderr += chunk));
  const killer =
    options.killAfterMs === undefined
      ? undefined
      : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
  const [exitCode, signal] = await new Promise<
    [number | null, NodeJS.Signals | null]
  >((resolve) => child.on('close', (code, sig) => resolve([code, sig])));
  if (killer) clearTimeout(killer);
  const durationMs = Date.now() - started;
  const [output, summary, state] = await Promise.all([
    readFile(files.output, 'utf8'),
    readFile(files.summary, 'utf8'),
    readFile(files.state, 'utf8'),
  ]);
  const outputs = parseCommandFile(output);
  const resultsFile = outputs['results-file'];
  // The results file lives in the run's folder, which is removed below; keep
  // its content reachable under a pseudo-output for the tests.
  if (resultsFile) {
    outputs['results-file-content'] = await readFile(resultsFile, 'utf8').catch(
      () => '',
    );
  }
  await rm(dir, { recursive: true, force: true });
  return {
    exitCode,
    signal,
    stdout,
    stderr,
    outputs,
    summary,
    state: parseCommandFile(state),
    durationMs,
  };
}

/** Lines of stdout that are workflow commands of one kind, such as `error`. */
export function annotations(stdout: string, kind: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith(`::${kind}`));
}

/**
 * Parses the `results` output of a run. Fails the test when the output is
 * missing, since every run that gets past its inputs sets it.
 */
export function parseResults(outputs: Record<string, string>): PairResult[] {
  const text = outputs.results;
  if (text === undefined) throw new Error('The run set no results output.');
  return JSON.parse(text) as PairResult[];
}
