// `npm run build`: bundles src/index.ts into dist/ with ncc and writes
// dist/licenses.txt for the packages in every chunk.
//
// ncc writes into the output directory without emptying it, so a chunk that
// a change made obsolete would stay behind. This script empties dist/ first.
// ncc's `--license` option writes one file per chunk under the same name, so
// with more than one chunk the last chunk's list replaces the others. This
// script reads the webpack stats (`--stats-out`) instead and lists the
// packages of all chunks in the same format: name, licence type, text.

import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const OUT_DIR = 'dist';
const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt))?$/i;
// Module names look like "./node_modules/undici/lib/core/util.js" or, for a
// concatenated module, "./node_modules/@actions/core/lib/core.js + 21 modules".
const PACKAGE_DIR = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//;

/**
 * Yields every module that some chunk holds, including the modules inside
 * concatenated ones. Modules in no chunk are orphans: webpack found them
 * unused and left them out of dist/.
 */
function* bundledModules(modules) {
  for (const module of modules) {
    if ((module.chunks ?? []).length === 0) continue;
    yield module;
    yield* module.modules ?? [];
  }
}

/** Returns name, licence type and licence text of each bundled package. */
async function bundledPackages(stats) {
  const directories = new Set();
  for (const module of bundledModules(stats.modules)) {
    const match = PACKAGE_DIR.exec(module.name ?? '');
    if (match) directories.add(match[1]);
  }
  const packages = [];
  for (const directory of directories) {
    const manifest = JSON.parse(
      await readFile(join(directory, 'package.json'), 'utf8'),
    );
    const files = await readdir(directory);
    const licenseFile = files
      .filter((file) => LICENSE_FILE.test(file))
      .sort()[0];
    const text =
      licenseFile === undefined
        ? ''
        : (await readFile(join(directory, licenseFile), 'utf8')).trim();
    packages.push({
      name: manifest.name,
      license: manifest.license ?? '',
      text,
    });
  }
  return packages.sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

const statsDir = await mkdtemp(join(tmpdir(), 'ncc-stats-'));
try {
  const statsFile = join(statsDir, 'stats.json');
  await rm(OUT_DIR, { recursive: true, force: true });
  const ncc = createRequire(import.meta.url).resolve(
    '@vercel/ncc/dist/ncc/cli.js',
  );
  const build = spawnSync(
    process.execPath,
    [ncc, 'build', 'src/index.ts', '-o', OUT_DIR, '--stats-out', statsFile],
    { stdio: 'inherit' },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);

  const packages = await bundledPackages(
    JSON.parse(await readFile(statsFile, 'utf8')),
  );
  const body = packages
    .map(({ name, license, text }) => [name, license, text].join('\n'))
    .join('\n\n');
  await writeFile(join(OUT_DIR, 'licenses.txt'), `${body}\n`);
  console.log(
    `licenses.txt: ${packages.map((entry) => entry.name).join(', ')}`,
  );
} finally {
  await rm(statsDir, { recursive: true, force: true });
}
