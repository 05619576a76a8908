/**
 * Member listings: ListImageMembers (`GET /v1/{project_id}/cloudimages/
 * {image_id}/members`) and GlanceListImageMembers (`GET /v2/images/
 * {image_id}/members`). The owner gets every member, and a member gets only
 * its own entry. Anyone else gets 404 IMG.0144, as for an unknown image.
 */
import { callerProject, type HandlerContext } from './context.js';
import { decodeMarker, encodeMarker, pageAfter, readLimit } from './paging.js';
import { imsError, ok, type Reply } from './reply.js';
import { queryValue } from './request.js';
import { isoSeconds } from './time-format.js';
import type { Image, Member } from './types.js';

/** Handles ListImageMembers (IMS v1). */
export function listMembers(context: HandlerContext): Reply {
  const page = readPage(context);
  const pageInfo: Record<string, unknown> = {
    current_count: page.members.length,
  };
  if (page.nextMarker !== null) {
    pageInfo.next_marker = page.nextMarker;
  }
  return ok({
    members: page.members,
    schema: '/v2/schemas/members',
    page_info: pageInfo,
  });
}

/** Handles GlanceListImageMembers; `page_info` appears when paging is used. */
export function glanceListMembers(context: HandlerContext): Reply {
  const page = readPage(context);
  const body: Record<string, unknown> = {
    members: page.members,
    schema: '/v2/schemas/members',
  };
  const paged =
    queryValue(context.request, 'limit') !== undefined ||
    queryValue(context.request, 'marker') !== undefined;
  if (paged) {
    const pageInfo: Record<string, unknown> = {
      current_count: page.members.length,
    };
    if (page.nextMarker !== null) {
      pageInfo.next_marker = page.nextMarker;
    }
    body.page_info = pageInfo;
  }
  return ok(body);
}

function readPage(context: HandlerContext): {
  members: Record<string, unknown>[];
  nextMarker: string | null;
} {
  const { caller, projectId } = callerProject(context);
  const imageId = context.params.image_id ?? '';
  const image = context.store.images.get(imageId);
  if (!image || image.status === 'deleted') {
    throw notFound(imageId);
  }
  const visible = visibleMembers(image, projectId, caller.account.id);
  if (visible === null) {
    throw notFound(imageId);
  }
  const limit = readLimit(context.request);
  const after = decodeMarker(queryValue(context.request, 'marker'));
  const page = pageAfter(visible, (member) => member.memberId, after, limit);
  return {
    members: page.items.map((member) => memberView(image, member)),
    nextMarker: page.nextKey === null ? null : encodeMarker(page.nextKey),
  };
}

/** Returns the members the caller may see, or null when it may see none. */
function visibleMembers(
  image: Image,
  projectId: string,
  accountId: string,
): Member[] | null {
  if (image.owner === projectId) {
    return image.members;
  }
  const own = image.members.filter(
    (member) => member.memberId === projectId || member.memberId === accountId,
  );
  return own.length > 0 ? own : null;
}

/** Formats a member object as IMS returns it. */
export function memberView(
  image: Image,
  member: Member,
): Record<string, unknown> {
  const view: Record<string, unknown> = {
    status: member.status,
    created_at: isoSeconds(Date.parse(member.createdAt)),
    updated_at: isoSeconds(Date.parse(member.updatedAt)),
    image_id: image.id,
    member_id: member.memberId,
    schema: '/v2/schemas/member',
    member_type: member.memberType,
  };
  if (member.urn !== undefined) {
    view.urn = member.urn;
  }
  return view;
}

function notFound(imageId: string): Error {
  return imsError(404, 'IMG.0144', `The image does not exist: ${imageId}.`);
}
