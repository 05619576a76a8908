/**
 * Command line: `tsx emulator/cli.ts [--port N] [--host ADDR] [--state FILE]
 * [--quiet]`. Prints `listening on http://HOST:PORT` once ready and exits
 * with code 0 on SIGINT or SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions } from './emulator.js';
import type { StateFile } from './state-file.js';

const USAGE = `Usage: tsx emulator/cli.ts [options]
  --port N      TCP port to listen on (default 8443; 0 picks a free port)
  --host ADDR   loopback address: 127.0.0.1 (default), ::1 or localhost
  --state FILE  JSON state file (default: the bundled demo state)
  --quiet       do not log one line per request to stderr
  --help        print this help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8443' },
      host: { type: 'string', default: '127.0.0.1' },
      state: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `--port: expected an integer from 0 to 65535, got ${values.port}`,
    );
  }
  const options: EmulatorOptions = { port, host: values.host };
  if (values.state !== undefined) {
    options.state = readState(values.state);
  }
  if (!values.quiet) {
    options.log = (line) => process.stderr.write(`${line}\n`);
  }
  const emulator = await startEmulator(options);
  process.stdout.write(`listening on ${emulator.url}\n`);
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function readState(path: string): StateFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `--state: cannot read ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    return JSON.parse(text) as StateFile;
  } catch (error) {
    throw new Error(
      `--state: ${path} is not valid JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `emulator: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
