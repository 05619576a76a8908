/**
 * Per-pair rules of the member jobs, with the IMS error codes of the IMS
 * error code table (Open Telekom Cloud `error_codes.rst`, Huawei Cloud
 * 错误码). Where the table offers two codes for one rule, the first one
 * listed in `docs/emulator.md` is used.
 */
import type { MemberTarget } from './members-body.js';
import type { Store } from './store.js';
import type { Image, JobItem, Member } from './types.js';

/** Failure of one pair. */
export interface PairFailure {
  code: string;
  message: string;
}

/** Checks that the caller's project may share the image at all. */
export function checkShareableImage(
  store: Store,
  imageId: string,
  callerProjectId: string,
): PairFailure | null {
  const image = store.images.get(imageId);
  if (!image || image.status === 'deleted') {
    return fail(
      'IMG.0027',
      `The image ID in the request does not exist: ${imageId}.`,
    );
  }
  if (image.type === 'gold') {
    return fail('IMG.0089', `Public image ${imageId} cannot be shared.`);
  }
  if (image.type === 'market') {
    return fail('IMG.0107', `Marketplace image ${imageId} cannot be shared.`);
  }
  if (image.owner !== callerProjectId) {
    return fail('IMG.0106', `Image ${imageId} is owned by another tenant.`);
  }
  if (image.status !== 'active') {
    return fail(
      'IMG.0046',
      `Image ${imageId} is unavailable because its status is ${image.status}.`,
    );
  }
  if (isRefusedEncryption(store, image)) {
    return fail(
      'IMG.0098',
      `Encrypted image ${imageId} cannot be shared; replicate it to an unencrypted image first.`,
    );
  }
  if (image.wholeImage && image.backupId === undefined) {
    return fail(
      'IMG.0135',
      `Full-ECS image ${imageId} was not created from a CBR backup and cannot be shared.`,
    );
  }
  return null;
}

/** Checks that a target may receive a share from the caller's project. */
export function checkTarget(
  store: Store,
  target: MemberTarget,
  callerProjectId: string,
): PairFailure | null {
  const caller = store.projects.get(callerProjectId);
  if (target.type === 'project') {
    if (target.id === callerProjectId) {
      return fail(
        'IMG.0076',
        'An image cannot be shared with your own project.',
      );
    }
    const project = store.projects.get(target.id);
    if (!project) {
      return fail(
        'IMG.0108',
        `Project ${target.id} is not found in the current region.`,
      );
    }
    if (project.region !== caller?.region) {
      return fail(
        'IMG.0177',
        `Project ${target.id} is in region ${project.region}, not in ${caller?.region}.`,
      );
    }
  }
  if (target.type === 'domain') {
    if (target.id === caller?.accountId) {
      return fail(
        'IMG.0178',
        'The target tenant is the same as the source tenant.',
      );
    }
    if (!store.accounts.has(target.id)) {
      return fail('IMG.0108', `Account ${target.id} is not found.`);
    }
  }
  return null;
}

/** Adds one member to the draft list, applying the limit and duplicates rule. */
export function addMember(
  store: Store,
  image: Image,
  members: Member[],
  target: MemberTarget,
  nowIso: string,
): PairFailure | null {
  const memberId = memberIdOf(target);
  if (members.some((member) => member.memberId === memberId)) {
    return store.settings.existingMember === 'no-op'
      ? null
      : fail(
          'IMG.0112',
          `Failed to add member ${target.id}: it is already a member of image ${image.id}.`,
        );
  }
  const limit = image.wholeImage
    ? store.settings.wholeImageMemberLimit
    : store.settings.memberLimit;
  if (members.length >= limit) {
    return fail(
      'IMG.0088',
      `Image ${image.id} already has the maximum of ${limit} members.`,
    );
  }
  const member: Member = {
    memberId,
    memberType: target.type,
    status: 'pending',
    createdAt: nowIso,
    updatedAt: nowIso,
  };
  if (target.type === 'organization') {
    member.urn = target.id;
  }
  members.push(member);
  return null;
}

/** Returns the member ID of a target; for a URN, its last path part. */
export function memberIdOf(target: MemberTarget): string {
  if (target.type !== 'organization') {
    return target.id;
  }
  const tail = target.id.split(/[:/]/).pop();
  return tail ?? target.id;
}

/** Builds a job item from a pair outcome. */
export function toItem(
  imageId: string,
  target: string,
  failure: PairFailure | null,
): JobItem {
  return {
    imageId,
    target,
    status: failure ? 'failed' : 'success',
    errorCode: failure?.code ?? null,
    errorMessage: failure?.message ?? null,
  };
}

/** Creates a pair failure. */
export function fail(code: string, message: string): PairFailure {
  return { code, message };
}

function isRefusedEncryption(store: Store, image: Image): boolean {
  if (image.cmkId === undefined) {
    return false;
  }
  if (store.settings.encryptedImages === 'refuse-all') {
    return true;
  }
  const owner = store.accountOfProject(image.owner);
  return (
    owner?.defaultKmsKeyId !== undefined &&
    owner.defaultKmsKeyId === image.cmkId
  );
}
