/**
 * Operation specifications: the request each operation sends and the member
 * state it aims for. `share` and `unshare` belong to the owner (batch add,
 * batch delete), and `accept` and `reject` to the receiving project (batch
 * update).
 */

import type { ImageMember, ImsClient } from '../cloud/ims.js';
import type { Operation, Target } from '../inputs.js';
import type { PairStatus } from './ledger.js';

export interface OperationSpec {
  name: Operation;
  /** Verb for logs and messages, such as "share". */
  verb: string;
  /** Submits one batch and returns the job ID. */
  submit(
    ims: ImsClient,
    batch: { images: string[]; targets: Target[] },
    signal: AbortSignal,
  ): Promise<string>;
  /** Returns whether the member (or its absence) shows the pair in the target state. */
  isDone(member: ImageMember | undefined): boolean;
  /**
   * The status of a pair that needs no job, given its member before the
   * run, or `undefined` when the pair must be submitted.
   */
  settledBefore(member: ImageMember | undefined): PairStatus | undefined;
}

/** Builds a batch body's target lists by type. */
export function targetLists(targets: Target[]): {
  projects?: string[];
  domains?: string[];
  organizations?: string[];
} {
  const pick = (type: Target['type']): string[] =>
    targets.filter((t) => t.type === type).map((t) => t.id);
  const lists: {
    projects?: string[];
    domains?: string[];
    organizations?: string[];
  } = {};
  const projects = pick('project');
  const domains = pick('domain');
  const organizations = pick('organization');
  if (projects.length > 0) lists.projects = projects;
  if (domains.length > 0) lists.domains = domains;
  if (organizations.length > 0) lists.organizations = organizations;
  return lists;
}

/** Returns the specification of an operation; `vaultId` serves `accept`. */
export function operationSpec(
  name: Operation,
  vaultId: string,
  ownProject: string,
): OperationSpec {
  switch (name) {
    case 'share':
      return {
        name,
        verb: 'share',
        submit: (ims, batch, signal) =>
          ims.batchAddMembers(
            { images: batch.images, ...targetLists(batch.targets) },
            signal,
          ),
        isDone: (member) => member !== undefined,
        settledBefore: (member) => (member ? 'already-shared' : undefined),
      };
    case 'unshare':
      return {
        name,
        verb: 'stop sharing',
        submit: (ims, batch, signal) =>
          ims.batchDeleteMembers(
            { images: batch.images, ...targetLists(batch.targets) },
            signal,
          ),
        isDone: (member) => member === undefined,
        settledBefore: (member) => (member ? undefined : 'not-shared'),
      };
    case 'accept':
    case 'reject': {
      const targetStatus = name === 'accept' ? 'accepted' : 'rejected';
      return {
        name,
        verb: name,
        submit: (ims, batch, signal) =>
          ims.batchUpdateMembers(
            {
              images: batch.images,
              project_id: ownProject,
              status: targetStatus,
              ...(vaultId && name === 'accept' ? { vault_id: vaultId } : {}),
            },
            signal,
          ),
        isDone: (member) => member?.status === targetStatus,
        settledBefore: (member) => {
          if (member === undefined) return 'not-shared';
          return member.status === targetStatus ? 'already-shared' : undefined;
        },
      };
    }
  }
}
