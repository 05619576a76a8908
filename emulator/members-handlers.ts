/**
 * BatchAddMembers, BatchUpdateMembers and BatchDeleteMembers
 * (`POST|PUT|DELETE /v1/cloudimages/members`): validate the body, then
 * submit a job that applies the pairs when it ends.
 */
import { callerProject, type HandlerContext } from './context.js';
import {
  parseJsonBody,
  validateMembersBody,
  validateUpdateBody,
} from './members-body.js';
import { ok, type Reply } from './reply.js';
import {
  addMember,
  checkShareableImage,
  checkTarget,
  fail,
  memberIdOf,
  toItem,
} from './sharing-rules.js';
import { isoMillis } from './time-format.js';
import type { JobItem, MemberDraft } from './types.js';

/** Handles BatchAddMembers. */
export function addMembers(context: HandlerContext): Reply {
  const { projectId } = callerProject(context);
  const { store, clock } = context;
  const body = validateMembersBody(
    parseJsonBody(context.request.body),
    store.settings,
  );
  const run = (draft: MemberDraft): JobItem[] =>
    body.images.flatMap((imageId) => {
      const imageFailure = checkShareableImage(store, imageId, projectId);
      return body.targets.map((target) => {
        const image = store.images.get(imageId);
        const failure =
          imageFailure ??
          checkTarget(store, target, projectId) ??
          (image
            ? addMember(
                store,
                image,
                draft.members(image),
                target,
                isoMillis(clock.now()),
              )
            : null);
        return toItem(imageId, target.id, failure);
      });
    });
  return submit(context, 'imsAddImageMembersJob', projectId, run);
}

/** Handles BatchDeleteMembers; removing a non-member succeeds unchanged. */
export function deleteMembers(context: HandlerContext): Reply {
  const { projectId } = callerProject(context);
  const { store } = context;
  const body = validateMembersBody(
    parseJsonBody(context.request.body),
    store.settings,
  );
  const run = (draft: MemberDraft): JobItem[] =>
    body.images.flatMap((imageId) => {
      const image = store.images.get(imageId);
      const failure = !image
        ? fail(
            'IMG.0027',
            `The image ID in the request does not exist: ${imageId}.`,
          )
        : image.owner !== projectId
          ? fail('IMG.0106', `Image ${imageId} is owned by another tenant.`)
          : null;
      return body.targets.map((target) => {
        if (image && !failure) {
          const members = draft.members(image);
          const index = members.findIndex(
            (member) => member.memberId === memberIdOf(target),
          );
          if (index !== -1) {
            members.splice(index, 1);
          }
        }
        return toItem(imageId, target.id, failure);
      });
    });
  return submit(context, 'imsDelImageMembersJob', projectId, run);
}

/** Handles BatchUpdateMembers (the member project accepts or rejects). */
export function updateMembers(context: HandlerContext): Reply {
  const { projectId } = callerProject(context);
  const { store, clock } = context;
  const body = validateUpdateBody(
    parseJsonBody(context.request.body),
    store.settings,
    projectId,
  );
  const run = (draft: MemberDraft): JobItem[] =>
    body.images.map((imageId) => {
      const image = store.images.get(imageId);
      if (!image || image.status === 'deleted') {
        return toItem(
          imageId,
          projectId,
          fail(
            'IMG.0027',
            `The image ID in the request does not exist: ${imageId}.`,
          ),
        );
      }
      const member = draft
        .members(image)
        .find((entry) => entry.memberId === projectId);
      if (!member) {
        return toItem(
          imageId,
          projectId,
          fail(
            'IMG.0114',
            `Failed to query the member: project ${projectId} is not a member of image ${imageId}.`,
          ),
        );
      }
      if (
        body.status === 'accepted' &&
        image.wholeImage &&
        body.vaultId === null
      ) {
        return toItem(
          imageId,
          projectId,
          fail(
            'IMG.0001',
            `vault_id is required to accept full-ECS image ${imageId}.`,
          ),
        );
      }
      member.status = body.status;
      member.updatedAt = isoMillis(clock.now());
      return toItem(imageId, projectId, null);
    });
  return submit(context, 'imsUpdateImageMembersJob', projectId, run);
}

function submit(
  context: HandlerContext,
  type:
    | 'imsAddImageMembersJob'
    | 'imsUpdateImageMembersJob'
    | 'imsDelImageMembersJob',
  projectId: string,
  run: (draft: MemberDraft) => JobItem[],
): Reply {
  const job = context.jobs.submit({
    type,
    projectId,
    run,
    ...(context.jobDurationMs !== undefined
      ? { durationMs: context.jobDurationMs }
      : {}),
  });
  return ok({ job_id: job.id });
}
