import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from './client.js';

let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
  }
});

/** Waits for the first stdout line of the child, for at most 20 s. */
function firstLine(process: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('no output within 20 s')),
      20_000,
    );
    const lines = createInterface({ input: process.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      resolve(line);
    });
    process.once('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
}

function exitCode(process: ChildProcess): Promise<number | null> {
  return new Promise((resolve) =>
    process.once('exit', (code) => resolve(code)),
  );
}

describe('emulator CLI', () => {
  it('serves and exits on SIGINT', async () => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'emulator/cli.ts', '--port', '0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const stderr: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    const line = await firstLine(child);
    expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = line.replace('listening on ', '');
    const response = await send(url, 'GET', '/v2/cloudimages', {});
    expect(response.status).toBe(401);
    const exited = exitCode(child);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr.join('')).toMatch(/GET \/v2\/cloudimages 401 [0-9a-f]{32}/);
  });

  it('rejects non-loopback host', async () => {
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'emulator/cli.ts',
        '--port',
        '0',
        '--host',
        '0.0.0.0',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const stderr: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    expect(await exitCode(child)).toBe(1);
    expect(stderr.join('')).toContain('loopback');
  });

  it('reports invalid state file', async () => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'emulator/cli.ts', '--state', 'package.json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const stderr: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    expect(await exitCode(child)).toBe(1);
    expect(stderr.join('')).toContain('state.name: unknown field');
  });
});
