/**
 * Pre-flight reads: each image and its current members, before any job is
 * created. Pairs already shared, and pairs that cannot succeed under the
 * documented rules, are settled here and never submitted.
 */

import type { CloudProfile } from '../cloud/endpoints.js';
import { WHOLE_IMAGE_MEMBER_LIMIT } from '../cloud/endpoints.js';
import type { ImageInfo, ImageMember, ImsClient } from '../cloud/ims.js';
import { ApiError, NetworkError } from '../errors.js';
import type { Operation, Target } from '../inputs.js';
import type { OperationSpec } from './operations.js';
import type { Ledger, Pair } from './ledger.js';
import { mapWithConcurrency } from './concurrency.js';

export interface ImageFacts {
  image: ImageInfo | undefined;
  /** Current members; empty when the image is missing or not the caller's. */
  members: ImageMember[];
  /** The error of the image or member read that failed after its retries. */
  readError?: ApiError | NetworkError | undefined;
}

function imageNotFound(imageId: string, region: string): string {
  return `Image ${imageId} was not found in region ${region}. Check the image ID and the region input.`;
}

/** Returns why no pair of an image can be shared, or `undefined` when it can. */
export function findImageProblem(
  imageId: string,
  image: ImageInfo | undefined,
  projectId: string,
  region: string,
  cloud: CloudProfile,
): string | undefined {
  if (image === undefined) {
    return imageNotFound(imageId, region);
  }
  if (image.__imagetype === 'gold' || image.visibility === 'public') {
    return `Image ${imageId} is a public image. Only private images can be shared; create a private image from it first.`;
  }
  if (image.__imagetype === 'market') {
    return `Image ${imageId} is a Marketplace image, which cannot be shared.`;
  }
  if (image.owner !== undefined && image.owner.toLowerCase() !== projectId) {
    return `Image ${imageId} belongs to project ${image.owner}, not to ${projectId}. Only the owner can share it: run the action with the owner's project and credentials.`;
  }
  if (image.status !== 'active') {
    return `Image ${imageId} is ${image.status ?? 'in an unknown state'}, not active. Share it once the image build has finished.`;
  }
  if (cloud.rejectsAllEncryptedImages && image.__system__cmkid) {
    return `Image ${imageId} is encrypted, and encrypted images cannot be shared. Replicate it to an unencrypted image and share that.`;
  }
  return undefined;
}

/** Returns whether a member entry is the target. */
export function memberMatches(member: ImageMember, target: Target): boolean {
  const type = member.member_type ?? 'project';
  if (type !== target.type) return false;
  return (
    member.member_id?.toLowerCase() === target.id || member.urn === target.id
  );
}

/** Returns whether the image is a whole-server (full-ECS) image. */
export function isWholeImage(image: ImageInfo | undefined): boolean {
  const flag = image?.__whole_image;
  return flag === true || flag === 'true';
}

/**
 * Reads each image and, for the caller's own images, its members. For
 * `accept` and `reject` the caller is the receiving project: only its own
 * member entry is read, and an image it is no member of has none. A read
 * that fails after its retries is kept as the image's `readError`, so that
 * only that image's pairs are left out.
 */
export async function readImageFacts(
  ims: ImsClient,
  imageIds: string[],
  projectId: string,
  concurrency: number,
  signal: AbortSignal,
  operation: Operation = 'share',
): Promise<Map<string, ImageFacts>> {
  const receiving = operation === 'accept' || operation === 'reject';
  const facts = await mapWithConcurrency(
    imageIds,
    concurrency,
    async (id): Promise<readonly [string, ImageFacts]> => {
      try {
        return [id, await readFacts(ims, id, projectId, receiving, signal)];
      } catch (error) {
        if (!(error instanceof ApiError || error instanceof NetworkError)) {
          throw error;
        }
        const failed: ImageFacts = {
          image: undefined,
          members: [],
          readError: error,
        };
        return [id, failed];
      }
    },
  );
  return new Map(facts);
}

async function readFacts(
  ims: ImsClient,
  imageId: string,
  projectId: string,
  receiving: boolean,
  signal: AbortSignal,
): Promise<ImageFacts> {
  if (receiving) {
    return {
      image: undefined,
      members: await readOwnMembership(ims, imageId, signal),
    };
  }
  const image = await ims.showImage(imageId, signal);
  const owned = image?.owner?.toLowerCase() === projectId;
  const members = owned ? await ims.listImageMembers(imageId, signal) : [];
  return { image, members };
}

/** Lists the members visible to a receiving project; a 404 means it is no member. */
async function readOwnMembership(
  ims: ImsClient,
  imageId: string,
  signal: AbortSignal,
): Promise<ImageMember[]> {
  try {
    return await ims.listImageMembers(imageId, signal);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  }
}

export interface PreflightOptions {
  projectId: string;
  region: string;
  cloud: CloudProfile;
  /** The operation; `share` when absent. */
  spec?: OperationSpec;
}

/**
 * Settles the pairs that need no job: `already-shared` for current members,
 * `failed` for pairs that cannot succeed (with the reason and the fix).
 */
export function applyPreflight(
  ledger: Ledger,
  facts: Map<string, ImageFacts>,
  options: PreflightOptions,
): void {
  const operation = options.spec?.name ?? 'share';
  const byImage = groupByImage(ledger.open());
  for (const [imageId, pairs] of byImage) {
    const fact = facts.get(imageId) ?? { image: undefined, members: [] };
    if (fact.readError !== undefined) {
      // Without the image and its members, the pairs' state is not known:
      // they may already be shared. They are left alone and reported so.
      const { code, message } = fact.readError;
      for (const pair of pairs) {
        ledger.settle(pair, 'skipped', {
          errorCode: code,
          message: `Not attempted: ${message}`,
        });
      }
      continue;
    }
    const problem = findProblemFor(operation, imageId, fact, options);
    if (problem !== undefined) {
      for (const pair of pairs) {
        ledger.settle(pair, 'failed', { message: problem });
      }
      continue;
    }
    if (operation !== 'share' && options.spec) {
      settleByMember(ledger, pairs, fact.members, options.spec);
      continue;
    }
    const remaining = settleSharedPairs(ledger, pairs, fact.members, options);
    enforceMemberLimit(ledger, remaining, fact, options.cloud);
  }
}

function findProblemFor(
  operation: Operation,
  imageId: string,
  fact: ImageFacts,
  options: PreflightOptions,
): string | undefined {
  if (operation === 'share') {
    return findImageProblem(
      imageId,
      fact.image,
      options.projectId,
      options.region,
      options.cloud,
    );
  }
  if (operation !== 'unshare') return undefined;
  if (fact.image === undefined) {
    return imageNotFound(imageId, options.region);
  }
  if (fact.image.owner?.toLowerCase() !== options.projectId) {
    return `Image ${imageId} belongs to project ${fact.image.owner ?? 'unknown'}, not to ${options.projectId}. Only the owner can stop sharing it.`;
  }
  return undefined;
}

/** Settles pairs of `unshare`, `accept` and `reject` that need no job. */
function settleByMember(
  ledger: Ledger,
  pairs: Pair[],
  members: ImageMember[],
  spec: OperationSpec,
): void {
  for (const pair of pairs) {
    const member = members.find((m) => memberMatches(m, pair.target));
    const status = spec.settledBefore(member);
    if (status === undefined) continue;
    ledger.settle(pair, status, {
      memberStatus: member?.status,
      message:
        status === 'not-shared'
          ? `Image ${pair.imageId} is not shared with ${pair.target.type} ${pair.target.id}; nothing to ${spec.verb}.`
          : `Already ${member?.status ?? 'done'}; nothing sent.`,
    });
  }
}

function settleSharedPairs(
  ledger: Ledger,
  pairs: Pair[],
  members: ImageMember[],
  options: PreflightOptions,
): Pair[] {
  const remaining: Pair[] = [];
  for (const pair of pairs) {
    const member = members.find((m) => memberMatches(m, pair.target));
    if (member) {
      ledger.settle(pair, 'already-shared', {
        memberStatus: member.status,
        message:
          member.status === 'rejected'
            ? `Already shared, but ${pair.target.type} ${pair.target.id} rejected it: the receiving project must accept it (operation accept) to use it.`
            : `Already shared; the member is ${member.status}.`,
      });
    } else if (
      pair.target.type === 'project' &&
      pair.target.id === options.projectId
    ) {
      ledger.settle(pair, 'failed', {
        message: `Project ${pair.target.id} owns image ${pair.imageId}; an image cannot be shared with its own project. Remove it from the targets.`,
      });
    } else {
      remaining.push(pair);
    }
  }
  return remaining;
}

function enforceMemberLimit(
  ledger: Ledger,
  pairs: Pair[],
  fact: ImageFacts,
  cloud: CloudProfile,
): void {
  const whole = isWholeImage(fact.image);
  const limit = whole ? WHOLE_IMAGE_MEMBER_LIMIT : cloud.memberLimit;
  if (limit === undefined) return;
  const room = Math.max(0, limit - fact.members.length);
  for (const pair of pairs.slice(room)) {
    ledger.settle(pair, 'failed', {
      message:
        `Image ${pair.imageId} would pass the limit of ${limit} members ` +
        `(${whole ? 'whole-server images' : `cloud ${cloud.name}`}; it has ${fact.members.length}). ` +
        'Remove members that no longer need the image, or share a copy.',
    });
  }
}

/** Groups pairs by image, keeping input order. */
export function groupByImage(pairs: Pair[]): Map<string, Pair[]> {
  const groups = new Map<string, Pair[]>();
  for (const pair of pairs) {
    const group = groups.get(pair.imageId) ?? [];
    group.push(pair);
    groups.set(pair.imageId, group);
  }
  return groups;
}
