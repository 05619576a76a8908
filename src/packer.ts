/**
 * Image IDs from the manifest that Packer's manifest post-processor writes:
 * `{"builds": [{"artifact_id", "packer_run_uuid", ...}], "last_run_uuid"}`.
 * The Huawei Cloud ECS builder's `artifact_id` is one image ID, or several
 * joined by `;` (a system image and its data-disk images), without a region.
 */

import { readFileSync } from 'node:fs';

import { Inputs } from './constants.js';
import { InputError } from './errors.js';

interface ManifestBuild {
  name?: string;
  artifact_id?: string;
  packer_run_uuid?: string;
}

interface Manifest {
  builds?: ManifestBuild[];
  last_run_uuid?: string;
}

/** Selection of the manifest's builds to read. */
export type PackerRuns = 'last' | 'all';

/**
 * Reads the manifest at `path` and returns the IDs of its builds' artifacts:
 * those of the last run (`last_run_uuid`) by default, or of every run.
 */
export function readPackerManifest(path: string, runs: PackerRuns): string[] {
  const manifest = parseManifest(path);
  const builds = manifest.builds ?? [];
  const chosen =
    runs === 'all' || manifest.last_run_uuid === undefined
      ? builds
      : builds.filter(
          (build) => build.packer_run_uuid === manifest.last_run_uuid,
        );
  if (chosen.length === 0) {
    throw new InputError(
      Inputs.PackerManifest,
      `The Packer manifest ${path} lists no build${runs === 'last' ? ` of its last run (${manifest.last_run_uuid})` : ''}. ` +
        'Check that the manifest post-processor ran in this job.',
    );
  }
  return chosen.flatMap((build) => splitArtifactId(build, path));
}

function parseManifest(path: string): Manifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(
      Inputs.PackerManifest,
      `Cannot read the Packer manifest ${path}: ${(error as Error).message}. Give the path of the file the manifest post-processor wrote.`,
    );
  }
  try {
    const manifest = JSON.parse(text) as unknown;
    if (
      manifest === null ||
      typeof manifest !== 'object' ||
      Array.isArray(manifest)
    ) {
      throw new Error('the top level is not an object');
    }
    return manifest as Manifest;
  } catch (error) {
    throw new InputError(
      Inputs.PackerManifest,
      `The Packer manifest ${path} is not valid JSON: ${(error as Error).message}.`,
    );
  }
}

function splitArtifactId(build: ManifestBuild, path: string): string[] {
  if (
    typeof build.artifact_id !== 'string' ||
    build.artifact_id.trim() === ''
  ) {
    throw new InputError(
      Inputs.PackerManifest,
      `Build "${build.name ?? '(unnamed)'}" in the Packer manifest ${path} has no artifact_id.`,
    );
  }
  return build.artifact_id
    .split(/[;,]/)
    .map((id) => id.trim())
    .filter((id) => id !== '');
}
