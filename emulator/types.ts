/**
 * Data model of the emulator: accounts, projects, images, members, jobs and
 * the settings that choose between behaviours the IMS documentation leaves
 * open.
 */

/** Access key pair of an account, permanent or temporary. */
export interface AccessKey {
  ak: string;
  sk: string;
  /** Security token that temporary keys must send in `X-Security-Token`. */
  securityToken?: string;
  /** Expiry of a temporary key, ISO 8601. */
  expiresAt?: string;
}

/** IAM user that can obtain tokens with a password. */
export interface IamUser {
  id: string;
  name: string;
  password: string;
}

/** Account (IAM domain). */
export interface Account {
  /** Domain ID, 32 lower-case hex characters. */
  id: string;
  name: string;
  accessKeys: AccessKey[];
  users: IamUser[];
  /** KMS key ID that counts as the account's default key for encryption. */
  defaultKmsKeyId?: string;
}

/** Project in a region, owned by an account. */
export interface Project {
  /** Project ID, 32 lower-case hex characters. */
  id: string;
  /** Region name such as `ap-southeast-1`, or a subproject `ap-southeast-1_dev`. */
  name: string;
  region: string;
  accountId: string;
  /** Parent ID that IAM reports; defaults to the account ID. */
  parentId?: string;
  enabled?: boolean;
  description?: string;
}

/** Image status values of IMS. */
export type ImageStatus = 'queued' | 'saving' | 'deleted' | 'killed' | 'active';

/** Stored image type; `shared` is derived from the member list. */
export type StoredImageType = 'gold' | 'private' | 'market';

/** Virtual environment types of IMS images. */
export type VirtualEnvType =
  'FusionCompute' | 'DataImage' | 'Ironic' | 'IsoImage';

/** Member types of the IMS member listing. */
export type MemberType = 'project' | 'domain' | 'organization';

/** Member status values. */
export type MemberStatus = 'pending' | 'accepted' | 'rejected';

/** Member of an image. */
export interface Member {
  /** Project ID, domain ID, or the last part of an Organizations URN. */
  memberId: string;
  memberType: MemberType;
  status: MemberStatus;
  /** Organizations URN, only for `organization` members. */
  urn?: string;
  createdAt: string;
  updatedAt: string;
}

/** Image with its members. */
export interface Image {
  /** Image ID, a UUID. */
  id: string;
  name: string;
  /** Owning project ID. */
  owner: string;
  status: ImageStatus;
  type: StoredImageType;
  /** Full-ECS (whole-server) image. */
  wholeImage: boolean;
  /** CBR backup ID that a whole-server image was created from. */
  backupId?: string;
  /** KMS key ID; present when the image is encrypted. */
  cmkId?: string;
  virtualEnvType: VirtualEnvType;
  minDisk: number;
  diskFormat: string;
  createdAt: string;
  updatedAt: string;
  members: Member[];
}

/** Treatment of a failed image/target pair in a job. */
export type FailedPairMode = 'fail-job' | 'partial';

/** Field set of the `entities.results` items. */
export type ResultItemsMode = 'full' | 'image-only' | 'none';

/** BatchAddMembers behaviour for a target that is already a member. */
export type ExistingMemberMode = 'no-op' | 'failed-item';

/** Rule for rejecting encrypted images. */
export type EncryptedImagesMode = 'refuse-all' | 'refuse-default-key';

/** Behaviour settings; every field has a documented default. */
export interface Settings {
  failedPairMode: FailedPairMode;
  resultItems: ResultItemsMode;
  existingMember: ExistingMemberMode;
  /** Maximum members of a system-disk or data-disk image. */
  memberLimit: number;
  /** Maximum members of a whole-server image. */
  wholeImageMemberLimit: number;
  /** Maximum image IDs in one member request; null means no limit. */
  maxImagesPerRequest: number | null;
  /** Maximum targets (projects + domains + organizations) in one request. */
  maxTargetsPerRequest: number | null;
  encryptedImages: EncryptedImagesMode;
  /** Emulator-clock milliseconds from job submit to job end. */
  jobDurationMs: number;
  /** Fraction of the job duration spent in `INIT` before `RUNNING`. */
  jobInitFraction: number;
  /** Real milliseconds added before every response. */
  latencyMs: number;
  /** Emulator-clock lifetime of IAM tokens in milliseconds. */
  tokenTtlMs: number;
  /** Maximum distance between `X-Sdk-Date` and the emulator clock. */
  maxClockSkewMs: number;
  /** Clock leeway for the `exp` and `nbf` claims of ID tokens, in ms. */
  idTokenLeewayMs: number;
}

/** Job status values of ShowJob. */
export type JobStatus = 'INIT' | 'RUNNING' | 'SUCCESS' | 'FAIL';

/** Job types of the member operations. */
export type JobType =
  | 'imsAddImageMembersJob'
  | 'imsUpdateImageMembersJob'
  | 'imsDelImageMembersJob';

/** Outcome of one image/target pair inside a job. */
export interface JobItem {
  imageId: string;
  /** Target project, domain or URN; the caller's project for updates. */
  target: string;
  status: 'success' | 'failed';
  errorCode: string | null;
  errorMessage: string | null;
}

/** Asynchronous job. */
export interface Job {
  id: string;
  type: JobType;
  /** Project that submitted the job and may read it. */
  projectId: string;
  /** Emulator-clock submit time in milliseconds. */
  beginMs: number;
  /** Emulator-clock duration; null when the job never finishes. */
  durationMs: number | null;
  /** Pair outcomes, filled when the job ends. */
  items: JobItem[];
  /** Terminal status, null until the job ends. */
  outcome: 'SUCCESS' | 'FAIL' | null;
  errorCode: string | null;
  failReason: string | null;
  /** Work of the job, run once at its end against a member draft. */
  run: (draft: MemberDraft) => JobItem[];
}

/** Copy-on-write view of member lists that a job changes. */
export interface MemberDraft {
  /** Returns the working member list of an image. */
  members(image: Image): Member[];
}
