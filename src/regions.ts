/**
 * The `regions` input: a YAML mapping (JSON is YAML too) from region ID to
 * the images and project targets of that region, such as
 *
 *     ap-southeast-1:
 *       image-ids: [2c17be40-...]
 *       project-ids: [a9eec085...]
 *
 * A mapping keeps region IDs apart from organization URNs, which contain
 * colons. Project IDs belong to one region, so they are given per region.
 */

import { Inputs } from './constants.js';
import { InputError } from './errors.js';

export interface RegionEntry {
  region: string;
  imageIds: string;
  imageNames: string;
  projectIds: string;
  /** The caller's own project in this region; looked up with IAM when empty. */
  projectId: string;
}

const ENTRY_KEYS = [
  'image-ids',
  'image-names',
  'project-ids',
  'project-id',
] as const;

/**
 * Parses the `regions` input into raw per-region list values; the caller
 * validates the lists like the top-level inputs.
 */
export async function parseRegions(value: string): Promise<RegionEntry[]> {
  if (value.trim() === '') return [];
  // Most runs leave `regions` empty, so the YAML parser (a fifth of the
  // bundle) loads only when the input is set. ncc puts it in its own chunk.
  const { parse } = await import('yaml');
  let document: unknown;
  try {
    document = parse(value);
  } catch (error) {
    throw new InputError(
      Inputs.Regions,
      `Input ${Inputs.Regions} is not valid YAML or JSON: ${(error as Error).message}`,
    );
  }
  if (!isMapping(document)) {
    throw new InputError(
      Inputs.Regions,
      `Input ${Inputs.Regions} must be a mapping from region ID to {image-ids, image-names, project-ids}, such as "ap-southeast-3: {image-ids: [...]}".`,
    );
  }
  return Object.entries(document).map(([region, entry]) =>
    toEntry(region, entry),
  );
}

function toEntry(region: string, entry: unknown): RegionEntry {
  if (!isMapping(entry)) {
    throw new InputError(
      Inputs.Regions,
      `Region ${region} in input ${Inputs.Regions} must map to {image-ids, image-names, project-ids}.`,
    );
  }
  const unknown = Object.keys(entry).filter(
    (key) => !(ENTRY_KEYS as readonly string[]).includes(key),
  );
  if (unknown.length > 0) {
    throw new InputError(
      Inputs.Regions,
      `Region ${region} in input ${Inputs.Regions} has the unknown key(s) ${unknown.join(', ')}. Use ${ENTRY_KEYS.join(', ')}.`,
    );
  }
  return {
    region,
    imageIds: listText(entry['image-ids'], region, 'image-ids'),
    imageNames: listText(entry['image-names'], region, 'image-names'),
    projectIds: listText(entry['project-ids'], region, 'project-ids'),
    projectId: listText(entry['project-id'], region, 'project-id'),
  };
}

/** Turns a YAML list or string into the text form the list parser reads. */
function listText(value: unknown, region: string, key: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return value.join('\n');
  }
  throw new InputError(
    Inputs.Regions,
    `${key} of region ${region} in input ${Inputs.Regions} must be a list of strings.`,
  );
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
