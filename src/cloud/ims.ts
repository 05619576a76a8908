/**
 * A thin client of the IMS API calls the action uses. Each method builds the
 * URL, sends through the transport (which signs and retries), and returns
 * the documented response fields; field names follow the API.
 */

import { Headers, MEMBER_PAGE_LIMIT } from '../constants.js';
import type { Transport } from './transport.js';

/** Image fields that decide whether an image can be shared (IMS ListImages). */
export interface ImageInfo {
  id: string;
  name?: string;
  /** `queued`, `saving`, `deleted`, `killed` or `active`. */
  status?: string;
  /** `private`, `public` or `shared`. */
  visibility?: string;
  /** `gold` (public), `private`, `shared` or `market`. */
  __imagetype?: string;
  /** The owning project's ID. */
  owner?: string;
  /** Whole-server (full-ECS) image flag; documented as Boolean, sent as a string by some regions. */
  __whole_image?: string | boolean;
  /** KMS key ID; present only on encrypted images. */
  __system__cmkid?: string;
  virtual_env_type?: string;
}

/**
 * The fields of an image member (IMS ListImageMembers) that the action
 * reads. Responses also carry `image_id`, `created_at` and `updated_at`.
 */
export interface ImageMember {
  member_id: string;
  /** `project`, `domain` or `organization`; absent in older responses. */
  member_type?: string;
  /** `pending`, `accepted` or `rejected`. */
  status: string;
  /** Organizations URN, only for organization members. */
  urn?: string;
}

/** One item of `entities.results` in a member job. */
export interface JobResultItem {
  image_id?: string;
  project_id?: string | null;
  status?: string;
}

/** The response of ShowJob (`GET /v1/{project_id}/jobs/{job_id}`). */
export interface Job {
  status: string;
  job_id?: string;
  job_type?: string;
  begin_time?: string;
  end_time?: string;
  error_code?: string | null;
  fail_reason?: string | null;
  entities?: { results?: JobResultItem[] | null } | null;
}

/** Body of batch add and batch delete (`/v1/cloudimages/members`). */
export interface MembersBody {
  images: string[];
  projects?: string[];
  domains?: string[];
  organizations?: string[];
}

/** Body of batch update (`PUT /v1/cloudimages/members`), sent by the receiving project. */
export interface UpdateMembersBody {
  images: string[];
  project_id: string;
  status: 'accepted' | 'rejected';
  vault_id?: string;
}

interface ListMembersPage {
  members?: ImageMember[];
  page_info?: { next_marker?: string | null; current_count?: number };
}

export class ImsClient {
  readonly #transport: Transport;
  readonly #endpoint: URL;
  readonly #projectId: string;

  /**
   * Creates a client for one region. `projectId` is the caller's project:
   * it fills `{project_id}` in paths and the `X-Project-Id` header, which
   * AK/SK requests need for paths without a project.
   */
  constructor(transport: Transport, endpoint: URL, projectId: string) {
    this.#transport = transport;
    this.#endpoint = endpoint;
    this.#projectId = projectId;
  }

  /** Submits BatchAddMembers and returns the job ID. */
  async batchAddMembers(
    body: MembersBody,
    signal: AbortSignal,
  ): Promise<string> {
    return this.#submitMembers('POST', body, 'share images', signal);
  }

  /** Submits BatchDeleteMembers (a DELETE with a JSON body) and returns the job ID. */
  async batchDeleteMembers(
    body: MembersBody,
    signal: AbortSignal,
  ): Promise<string> {
    return this.#submitMembers('DELETE', body, 'stop sharing images', signal);
  }

  /** Submits BatchUpdateMembers (accept or reject) and returns the job ID. */
  async batchUpdateMembers(
    body: UpdateMembersBody,
    signal: AbortSignal,
  ): Promise<string> {
    return this.#submitMembers(
      'PUT',
      body,
      `${body.status === 'accepted' ? 'accept' : 'reject'} shared images`,
      signal,
    );
  }

  /** Lists the caller's own images (by `owner`) with exactly this name. */
  async listImagesByName(
    name: string,
    signal: AbortSignal,
  ): Promise<ImageInfo[]> {
    const url = this.#url('/v2/cloudimages');
    url.searchParams.set('name', name);
    const response = await this.#transport.send<{ images?: ImageInfo[] }>(
      {
        method: 'GET',
        url,
        headers: this.#headers(),
        operation: `find images named "${name}"`,
        idempotent: true,
      },
      signal,
    );
    return (response.body?.images ?? [])
      .filter(
        (image) =>
          image.name === name && image.owner?.toLowerCase() === this.#projectId,
      )
      .map(toImageInfo);
  }

  /** Queries a job; only the project that created it can see it. */
  async showJob(jobId: string, signal: AbortSignal): Promise<Job> {
    const path = `/v1/${this.#projectId}/jobs/${encodeURIComponent(jobId)}`;
    const response = await this.#transport.send<Job>(
      {
        method: 'GET',
        url: this.#url(path),
        headers: this.#headers(),
        operation: `query job ${jobId}`,
        idempotent: true,
      },
      signal,
    );
    return response.body;
  }

  /** Returns the image, or `undefined` when the caller cannot see an image with that ID. */
  async showImage(
    imageId: string,
    signal: AbortSignal,
  ): Promise<ImageInfo | undefined> {
    const url = this.#url('/v2/cloudimages');
    url.searchParams.set('id', imageId);
    const response = await this.#transport.send<{ images?: ImageInfo[] }>(
      {
        method: 'GET',
        url,
        headers: this.#headers(),
        operation: `read image ${imageId}`,
        idempotent: true,
      },
      signal,
    );
    const image = response.body?.images?.find((item) => item.id === imageId);
    return image && toImageInfo(image);
  }

  /** Lists every member of an image, following `page_info.next_marker`. */
  async listImageMembers(
    imageId: string,
    signal: AbortSignal,
  ): Promise<ImageMember[]> {
    const members: ImageMember[] = [];
    const seenMarkers = new Set<string>();
    let marker: string | undefined;
    do {
      const page = await this.#listMembersPage(imageId, marker, signal);
      for (const member of page.members ?? []) members.push(toMember(member));
      marker = page.page_info?.next_marker ?? undefined;
      // A marker seen before would loop forever; the listing is complete.
      if (marker !== undefined && seenMarkers.has(marker)) break;
      if (marker !== undefined) seenMarkers.add(marker);
    } while (marker);
    return members;
  }

  async #listMembersPage(
    imageId: string,
    marker: string | undefined,
    signal: AbortSignal,
  ): Promise<ListMembersPage> {
    const path = `/v1/${this.#projectId}/cloudimages/${encodeURIComponent(imageId)}/members`;
    const url = this.#url(path);
    url.searchParams.set('limit', String(MEMBER_PAGE_LIMIT));
    if (marker) url.searchParams.set('marker', marker);
    const response = await this.#transport.send<ListMembersPage>(
      {
        method: 'GET',
        url,
        headers: this.#headers(),
        operation: `list the members of image ${imageId}`,
        idempotent: true,
      },
      signal,
    );
    return response.body ?? {};
  }

  async #submitMembers(
    method: 'POST' | 'PUT' | 'DELETE',
    body: MembersBody | UpdateMembersBody,
    verb: string,
    signal: AbortSignal,
  ): Promise<string> {
    const targets =
      'project_id' in body
        ? 1
        : (body.projects?.length ?? 0) +
          (body.domains?.length ?? 0) +
          (body.organizations?.length ?? 0);
    const response = await this.#transport.send<{ job_id?: string }>(
      {
        method,
        url: this.#url('/v1/cloudimages/members'),
        headers: this.#headers(),
        body,
        operation: `${verb} (${body.images.length} images, ${targets} targets)`,
        idempotent: false,
      },
      signal,
    );
    const jobId = response.body?.job_id;
    if (typeof jobId !== 'string' || jobId === '') {
      throw new Error(
        `IMS accepted the request to ${verb} but returned no job_id (request ID ${response.requestId ?? 'unknown'}).`,
      );
    }
    return jobId;
  }

  #url(path: string): URL {
    const base = this.#endpoint.pathname.replace(/\/$/, '');
    return new URL(`${base}${path}`, this.#endpoint);
  }

  #headers(): Record<string, string> {
    return { [Headers.ProjectId]: this.#projectId };
  }
}

// A listing returns dozens of fields per image and several per member. The
// action keeps only those it reads, so that the images and members of many
// batches in flight at once take little memory.

const IMAGE_FIELDS = [
  'id',
  'name',
  'status',
  'visibility',
  '__imagetype',
  'owner',
  '__whole_image',
  '__system__cmkid',
  'virtual_env_type',
] as const satisfies readonly (keyof ImageInfo)[];

const MEMBER_FIELDS = [
  'member_id',
  'member_type',
  'status',
  'urn',
] as const satisfies readonly (keyof ImageMember)[];

/** Copies the fields of `ImageInfo` that the image has. */
function toImageInfo(image: ImageInfo): ImageInfo {
  return pick(image, IMAGE_FIELDS) as ImageInfo;
}

/** Copies the fields of a member that the action reads. */
function toMember(member: ImageMember): ImageMember {
  return pick(member, MEMBER_FIELDS) as ImageMember;
}

function pick<T extends object>(
  source: T,
  keys: readonly (keyof T)[],
): Partial<T> {
  const copy: Partial<T> = {};
  for (const key of keys) {
    if (source[key] !== undefined) copy[key] = source[key];
  }
  return copy;
}
