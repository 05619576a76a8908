/**
 * The action's entry point: runs `run()` with one abort signal that SIGINT,
 * SIGTERM and (on Windows) SIGBREAK trigger.
 */

import * as core from '@actions/core';

import { run } from './main.js';

/** The runner sends SIGTERM 7.5 s after SIGINT; exit well before that. */
const EXIT_AFTER_SIGNAL_MS = 4000;

const controller = new AbortController();
const signals: NodeJS.Signals[] =
  process.platform === 'win32'
    ? ['SIGINT', 'SIGTERM', 'SIGBREAK']
    : ['SIGINT', 'SIGTERM'];
for (const name of signals) {
  process.on(name, () => {
    if (controller.signal.aborted) process.exit(1);
    core.info(`Received ${name}: cancelling the requests and the wait.`);
    controller.abort();
    setTimeout(() => process.exit(1), EXIT_AFTER_SIGNAL_MS).unref();
  });
}

await run({ signal: controller.signal });
