// Shares the demo images through the local emulator, running dist/index.js
// exactly as the GitHub runner does: inputs as INPUT_* variables, outputs in
// a GITHUB_OUTPUT file and the job summary in a GITHUB_STEP_SUMMARY file.
// Then prints the action's log, its outputs and its summary.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Identities of emulator/demo-state.json.
const DEMO = {
  accessKey: 'DEMOACCESSKEY0000001',
  secretKey: 'DEMOSECRETKEY0000000000000000000000000001',
  region: 'ap-southeast-1',
  images: [
    '2c17be40-4fdc-4c8d-8352-e4bd386e0594',
    '55a17bbb-4ea5-4078-9e6e-f2289dc3af50',
  ],
  projects: [
    'a9eec085e6908d782981adae828114ab',
    '62b049ad04f0ce4a07cb0fc9e887099e',
  ],
};

/** Starts the emulator on a free port and resolves with its URL. */
function startEmulator() {
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const child = spawn(
    process.execPath,
    [tsx, join(root, 'emulator', 'cli.ts'), '--port', '0', '--quiet'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`The emulator exited with code ${code}.`)),
    );
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      const match = /^listening on (\S+)$/.exec(line);
      if (match) resolve({ child, url: match[1] });
      else reject(new Error(`Unexpected emulator output: ${line}`));
    });
  });
}

/** Runs the bundled action and resolves with its exit code. */
function runAction(env) {
  const child = spawn(process.execPath, [join(root, 'dist', 'index.js')], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}

function section(title) {
  console.log(`\n===== ${title} =====`);
}

const { child: emulator, url } = await startEmulator();
const dir = mkdtempSync(join(tmpdir(), 'ims-share-demo-'));
try {
  const files = {
    output: join(dir, 'output'),
    summary: join(dir, 'summary'),
    state: join(dir, 'state'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  section(`Emulator listening on ${url}; running dist/index.js`);
  const code = await runAction({
    PATH: process.env.PATH ?? '',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    RUNNER_TEMP: dir,
    'INPUT_IMAGE-IDS': DEMO.images.join('\n'),
    'INPUT_PROJECT-IDS': DEMO.projects.join('\n'),
    INPUT_REGION: DEMO.region,
    'INPUT_IMS-ENDPOINT': url,
    'INPUT_IAM-ENDPOINT': url,
    INPUT_WAIT: 'true',
    INPUT_TIMEOUT: '2m',
    HUAWEICLOUD_SDK_AK: DEMO.accessKey,
    HUAWEICLOUD_SDK_SK: DEMO.secretKey,
  });
  section(`Exit code ${code}; outputs (GITHUB_OUTPUT)`);
  console.log(
    readFileSync(files.output, 'utf8').replace(
      /ghadelimiter_[0-9a-f-]+/g,
      'EOF',
    ),
  );
  section('Job summary (GITHUB_STEP_SUMMARY)');
  console.log(readFileSync(files.summary, 'utf8'));
  process.exitCode = code ?? 1;
} finally {
  emulator.kill('SIGINT');
  rmSync(dir, { recursive: true, force: true });
}
