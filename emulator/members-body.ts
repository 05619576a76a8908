/**
 * Synchronous validation of the member request bodies. Failures here are
 * HTTP 400 with an IMS error. Rules that depend on the state of images and
 * projects are checked inside the job instead, because IMS reports per-pair
 * outcomes in the job's `entities.results`.
 */
import { HEX32, ORGANIZATION_URN, UUID } from './ids.js';
import { imsError } from './reply.js';
import type { Settings } from './types.js';

/** Target of a BatchAddMembers or BatchDeleteMembers request. */
export interface MemberTarget {
  type: 'project' | 'domain' | 'organization';
  /** Project ID, domain ID or full Organizations URN. */
  id: string;
}

/** Validated body of BatchAddMembers / BatchDeleteMembers. */
export interface MembersBody {
  images: string[];
  targets: MemberTarget[];
}

/** Validated body of BatchUpdateMembers. */
export interface UpdateBody {
  images: string[];
  projectId: string;
  status: 'accepted' | 'rejected';
  vaultId: string | null;
}

/** Parses the JSON body; empty gives IMG.0007, malformed IMG.0001. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  if (text.trim() === '') {
    throw imsError(400, 'IMG.0007', 'The request body is empty.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw imsError(400, 'IMG.0001', 'The request body is not valid JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw imsError(400, 'IMG.0001', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** Validates the body of an add or delete request. */
export function validateMembersBody(
  body: Record<string, unknown>,
  settings: Settings,
): MembersBody {
  const images = validateImages(body.images, settings);
  const targets = [
    ...stringList(body.projects, 'projects').map((id) =>
      target('project', id, HEX32, 'IMG.0067', 'project ID'),
    ),
    ...stringList(body.domains, 'domains').map((id) =>
      target('domain', id, HEX32, 'IMG.0067', 'domain ID'),
    ),
    ...stringList(body.organizations, 'organizations').map((id) =>
      target(
        'organization',
        id,
        ORGANIZATION_URN,
        'IMG.0001',
        'Organizations URN',
      ),
    ),
  ];
  if (targets.length === 0) {
    throw imsError(
      400,
      'IMG.0001',
      'The request is malformed: give at least one of projects, domains or organizations.',
    );
  }
  const limit = settings.maxTargetsPerRequest;
  if (limit !== null && targets.length > limit) {
    throw imsError(
      400,
      'IMG.0001',
      `The request is malformed: ${targets.length} targets exceed the maximum of ${limit} per request.`,
    );
  }
  return { images, targets: dedupeTargets(targets) };
}

/** Validates the body of an update (accept or reject) request. */
export function validateUpdateBody(
  body: Record<string, unknown>,
  settings: Settings,
  callerProjectId: string,
): UpdateBody {
  const images = validateImages(body.images, settings);
  const projectId = body.project_id;
  if (typeof projectId !== 'string' || !HEX32.test(projectId)) {
    throw imsError(
      400,
      'IMG.0067',
      `The project ID is incorrect: ${JSON.stringify(projectId)}.`,
    );
  }
  if (projectId !== callerProjectId) {
    throw imsError(
      400,
      'IMG.0067',
      `The project ID is incorrect: ${projectId} is not the caller's project ${callerProjectId}.`,
    );
  }
  const status = body.status;
  if (status !== 'accepted' && status !== 'rejected') {
    throw imsError(
      400,
      'IMG.0001',
      `The request is malformed: status must be accepted or rejected, got ${JSON.stringify(status)}.`,
    );
  }
  const vaultId = body.vault_id;
  if (
    vaultId !== undefined &&
    vaultId !== null &&
    typeof vaultId !== 'string'
  ) {
    throw imsError(
      400,
      'IMG.0001',
      'The request is malformed: vault_id must be a string.',
    );
  }
  return { images, projectId, status, vaultId: vaultId || null };
}

function validateImages(value: unknown, settings: Settings): string[] {
  const images = stringList(value, 'images');
  if (images.length === 0) {
    throw imsError(
      400,
      'IMG.0001',
      'The request is malformed: images must list at least one image ID.',
    );
  }
  for (const id of images) {
    if (!UUID.test(id)) {
      throw imsError(400, 'IMG.0066', `The image ID is incorrect: ${id}.`);
    }
  }
  const limit = settings.maxImagesPerRequest;
  if (limit !== null && images.length > limit) {
    throw imsError(
      400,
      'IMG.0001',
      `The request is malformed: ${images.length} images exceed the maximum of ${limit} per request.`,
    );
  }
  return [...new Set(images)];
}

/** Reads an optional string array; `null` counts as absent (Go SDK output). */
function stringList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw imsError(
      400,
      'IMG.0001',
      `The request is malformed: ${field} must be an array of strings.`,
    );
  }
  return value as string[];
}

function target(
  type: MemberTarget['type'],
  id: string,
  pattern: RegExp,
  code: string,
  described: string,
): MemberTarget {
  if (!pattern.test(id)) {
    throw imsError(400, code, `The ${described} is incorrect: ${id}.`);
  }
  return { type, id };
}

function dedupeTargets(targets: MemberTarget[]): MemberTarget[] {
  const seen = new Set<string>();
  return targets.filter((item) => {
    const key = `${item.type}:${item.id}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}
