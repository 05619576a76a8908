/**
 * ListImages (`GET /v2/cloudimages`). A caller sees its own images, public
 * (`gold`) images of its region, and images shared with its project or
 * account whose member status matches `member_status` (default `accepted`,
 * `all` for any status).
 */
import { callerProject, type HandlerContext } from './context.js';
import { pageAfter, readLimit } from './paging.js';
import { imsError, ok, type Reply } from './reply.js';
import { queryValue, type ParsedRequest } from './request.js';
import type { Store } from './store.js';
import type { Image } from './types.js';

/** Handles ListImages. */
export function listImages(context: HandlerContext): Reply {
  const { caller, projectId } = callerProject(context);
  const { store, request } = context;
  const memberStatus = readMemberStatus(request);
  const visible = [...store.images.values()]
    .filter((image) => image.status !== 'deleted')
    .filter((image) =>
      isVisible(store, image, projectId, caller.account.id, memberStatus),
    )
    .map(imageView)
    .filter((view) => matchesFilters(view, request))
    .sort(newestFirst);
  const limit = readLimit(request);
  const marker = queryValue(request, 'marker') ?? null;
  const page = pageAfter(visible, (view) => String(view.id), marker, limit);
  return ok({ images: page.items });
}

/** Formats an image as ListImages returns it. */
export function imageView(image: Image): Record<string, unknown> {
  const shared = image.type === 'private' && image.members.length > 0;
  let visibility = 'public';
  if (image.type === 'private') {
    visibility = shared ? 'shared' : 'private';
  }
  const view: Record<string, unknown> = {
    id: image.id,
    name: image.name,
    status: image.status,
    visibility,
    __imagetype: shared ? 'shared' : image.type,
    owner: image.owner,
    // NOTE: IMS documents __whole_image as Boolean; the emulator sends the
    // string form used by other IMS extension attributes.
    __whole_image: String(image.wholeImage),
    virtual_env_type: image.virtualEnvType,
    min_disk: image.minDisk,
    disk_format: image.diskFormat,
    protected: false,
    created_at: image.createdAt.replace(/\.\d+Z$/, 'Z'),
    updated_at: image.updatedAt.replace(/\.\d+Z$/, 'Z'),
  };
  if (image.cmkId !== undefined) {
    view.__system__cmkid = image.cmkId;
  }
  if (image.backupId !== undefined) {
    view.__backup_id = image.backupId;
  }
  return view;
}

type MemberStatusFilter = 'pending' | 'accepted' | 'rejected' | 'all';

function readMemberStatus(request: ParsedRequest): MemberStatusFilter {
  const value = queryValue(request, 'member_status') ?? 'accepted';
  if (!['pending', 'accepted', 'rejected', 'all'].includes(value)) {
    throw imsError(
      400,
      'IMG.0001',
      `The request is malformed: member_status must be pending, accepted, rejected or all, got ${JSON.stringify(value)}.`,
    );
  }
  return value as MemberStatusFilter;
}

function isVisible(
  store: Store,
  image: Image,
  projectId: string,
  accountId: string,
  memberStatus: MemberStatusFilter,
): boolean {
  if (image.owner === projectId) {
    return true;
  }
  if (image.type === 'gold') {
    return (
      store.projects.get(image.owner)?.region ===
      store.projects.get(projectId)?.region
    );
  }
  return image.members.some(
    (member) =>
      (member.memberId === projectId || member.memberId === accountId) &&
      (memberStatus === 'all' || member.status === memberStatus),
  );
}

const FILTERS = [
  'id',
  'name',
  'status',
  'visibility',
  '__imagetype',
  'owner',
  'virtual_env_type',
  '__whole_image',
];

function matchesFilters(
  view: Record<string, unknown>,
  request: ParsedRequest,
): boolean {
  return FILTERS.every((key) => {
    const wanted = queryValue(request, key);
    return wanted === undefined || String(view[key]) === wanted;
  });
}

function newestFirst(
  left: Record<string, unknown>,
  right: Record<string, unknown>,
): number {
  return (
    String(right.created_at).localeCompare(String(left.created_at)) ||
    String(left.id).localeCompare(String(right.id))
  );
}
