/** Identities of the emulator's demo state, and emulator set-ups. */

import {
  startEmulator,
  type Emulator,
  type Settings,
} from '../emulator/index.js';

export const OWNER = {
  ak: 'DEMOACCESSKEY0000001',
  sk: 'DEMOSECRETKEY0000000000000000000000000001',
  projectId: '988f29eec663aaaa8f503baf49d24fc7',
  region: 'ap-southeast-1',
};

/** Account `partner-account`, which owns `PARTNER_PROJECT`. */
export const PARTNER_ACCOUNT = '8f33092299cb4d5662b38fd3f8d7bbf4';
export const PARTNER_PROJECT = 'a9eec085e6908d782981adae828114ab';
export const DEMO_IMAGE = '2c17be40-4fdc-4c8d-8352-e4bd386e0594';

/** Starts the emulator on a free loopback port with the given settings. */
export async function startBenchEmulator(
  settings: Partial<Settings> = {},
): Promise<Emulator> {
  const emulator = await startEmulator({ port: 0 });
  emulator.updateSettings(settings);
  return emulator;
}

/** Returns the inputs that share `images` with `projects` through `url`. */
export function shareInputs(
  url: string,
  images: string[],
  projects: string[],
): Record<string, string> {
  return {
    'image-ids': images.join('\n'),
    'project-ids': projects.join('\n'),
    region: OWNER.region,
    'ims-endpoint': url,
    'iam-endpoint': url,
    'project-id': OWNER.projectId,
    'access-key': OWNER.ak,
    'secret-key': OWNER.sk,
  };
}

/** Returns the n-th made-up image ID of the scale runs, a lower-case UUID. */
export function benchImageId(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `5ca1e000-0000-4000-8000-${hex}`;
}

/** Returns the n-th made-up target project ID (32 hex digits). */
export function benchProjectId(n: number): string {
  return `be7c4000${n.toString(16).padStart(24, '0')}`;
}

/**
 * Adds `images` private active images owned by the demo project and
 * `projects` target projects of the partner account in the same region.
 */
export function addScaleData(
  emulator: Emulator,
  images: number,
  projects: number,
): { imageIds: string[]; projectIds: string[] } {
  const imageIds = Array.from({ length: images }, (_, i) => benchImageId(i));
  const projectIds = Array.from({ length: projects }, (_, i) =>
    benchProjectId(i),
  );
  for (const [i, id] of imageIds.entries()) {
    emulator.addImage({ id, name: `bench-image-${i}`, owner: OWNER.projectId });
  }
  for (const [i, id] of projectIds.entries()) {
    emulator.addProject({
      id,
      name: `${OWNER.region}_bench${i}`,
      region: OWNER.region,
      accountId: PARTNER_ACCOUNT,
    });
  }
  return { imageIds, projectIds };
}
