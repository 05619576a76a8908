/** Resolves image names to the IDs of the caller's own images. */

import type { ImsClient } from '../cloud/ims.js';
import { Inputs } from '../constants.js';
import { InputError } from '../errors.js';
import { mapWithConcurrency } from './concurrency.js';

/**
 * Returns one image ID per name, in name order. A name that matches none,
 * or several, of the caller's images in the region is an error that lists
 * what it found.
 */
export async function resolveImageNames(
  ims: ImsClient,
  names: string[],
  region: string,
  concurrency: number,
  signal: AbortSignal,
): Promise<string[]> {
  return mapWithConcurrency(names, concurrency, async (name) => {
    const images = await ims.listImagesByName(name, signal);
    const [image] = images;
    if (image === undefined) {
      throw new InputError(
        Inputs.ImageNames,
        `No image of this project in ${region} is named "${name}". Check the name (it must match exactly) and the region.`,
      );
    }
    if (images.length > 1) {
      throw new InputError(
        Inputs.ImageNames,
        `${images.length} images of this project in ${region} are named "${name}": ` +
          `${images.map((i) => `${i.id} (${i.status ?? 'unknown status'})`).join(', ')}. Give the image ID in ${Inputs.ImageIds} instead.`,
      );
    }
    return image.id.toLowerCase();
  });
}
