/**
 * State file: the JSON document that seeds the emulator (accounts, projects,
 * images, settings, faults, and the federated sign-in sections). `emulator/state.schema.json` describes the same
 * shape; `parseState` checks it by hand and names the failing field.
 */
import type { FaultSpec } from './faults.js';
import type {
  Agency,
  IdentityProvider,
  RunnerIdToken,
} from './federation-types.js';
import {
  checkFederationReferences,
  defaultRunnerIdToken,
  parseAgency,
  parseIdentityProvider,
  parseRunnerIdToken,
  type AgencyInput,
  type IdentityProviderInput,
  type RunnerIdTokenInput,
} from './state-federation.js';
import { validateFault } from './validate-faults.js';
import { validateSettings } from './validate-settings.js';
import { HEX32, ORGANIZATION_URN, UUID } from './ids.js';
import type {
  AccessKey,
  Account,
  IamUser,
  Image,
  Member,
  Project,
  Settings,
} from './types.js';
import {
  StateError,
  asArray,
  asBoolean,
  asDateTime,
  asEnum,
  asNumber,
  asObject,
  asString,
  rejectUnknownKeys,
} from './validate.js';

/** Member as written in a state file; times default to the load time. */
export type MemberInput = Omit<Member, 'createdAt' | 'updatedAt'> &
  Partial<Pick<Member, 'createdAt' | 'updatedAt'>>;

/** Image as written in a state file; most fields have defaults. */
export type ImageInput = Pick<Image, 'id' | 'name' | 'owner'> &
  Partial<Omit<Image, 'id' | 'name' | 'owner' | 'members'>> & {
    members?: MemberInput[];
  };

/** Account as written in a state file. */
export type AccountInput = Pick<Account, 'id' | 'name'> &
  Partial<Omit<Account, 'id' | 'name'>>;

/** Whole state file. */
export interface StateFile {
  accounts: AccountInput[];
  projects: Project[];
  images?: ImageInput[];
  settings?: Partial<Settings>;
  faults?: FaultSpec[];
  identityProviders?: IdentityProviderInput[];
  agencies?: AgencyInput[];
  runnerIdToken?: RunnerIdTokenInput;
}

/** Validated state with every default filled in. */
export interface LoadedState {
  accounts: Account[];
  projects: Project[];
  images: Image[];
  settings: Partial<Settings>;
  faults: FaultSpec[];
  identityProviders: IdentityProvider[];
  agencies: Agency[];
  runnerIdToken: RunnerIdToken;
}

/** Validates a parsed state file, filling defaults; `nowIso` dates members. */
export function parseState(value: unknown, nowIso: string): LoadedState {
  const root = asObject(value, 'state');
  rejectUnknownKeys(root, 'state', [
    '$schema',
    'accounts',
    'projects',
    'images',
    'settings',
    'faults',
    'identityProviders',
    'agencies',
    'runnerIdToken',
  ]);
  const accounts = asArray(root.accounts, 'accounts').map((item, index) =>
    parseAccount(item, `accounts[${index}]`),
  );
  const projects = asArray(root.projects, 'projects').map((item, index) =>
    parseProject(item, `projects[${index}]`),
  );
  const images = asArray(root.images ?? [], 'images').map((item, index) =>
    parseImage(item, `images[${index}]`, nowIso),
  );
  const settings = validateSettings(root.settings ?? {}, 'settings');
  const faults = asArray(root.faults ?? [], 'faults').map((item, index) =>
    validateFault(item, `faults[${index}]`),
  );
  const identityProviders = asArray(
    root.identityProviders ?? [],
    'identityProviders',
  ).map((item, index) =>
    parseIdentityProvider(item, `identityProviders[${index}]`),
  );
  const agencies = asArray(root.agencies ?? [], 'agencies').map((item, index) =>
    parseAgency(item, `agencies[${index}]`),
  );
  const runnerIdToken =
    root.runnerIdToken === undefined
      ? defaultRunnerIdToken()
      : parseRunnerIdToken(root.runnerIdToken, 'runnerIdToken');
  checkReferences(accounts, projects, images);
  checkFederationReferences(
    new Set(accounts.map((account) => account.id)),
    identityProviders,
    agencies,
  );
  return {
    accounts,
    projects,
    images,
    settings,
    faults,
    identityProviders,
    agencies,
    runnerIdToken,
  };
}

function parseAccount(value: unknown, path: string): Account {
  const object = asObject(value, path);
  rejectUnknownKeys(object, path, [
    'id',
    'name',
    'accessKeys',
    'users',
    'defaultKmsKeyId',
  ]);
  const account: Account = {
    id: asString(object.id, `${path}.id`, HEX32, '32 lower-case hex digits'),
    name: asString(object.name, `${path}.name`),
    accessKeys: asArray(object.accessKeys ?? [], `${path}.accessKeys`).map(
      (item, index) => parseAccessKey(item, `${path}.accessKeys[${index}]`),
    ),
    users: asArray(object.users ?? [], `${path}.users`).map((item, index) =>
      parseUser(item, `${path}.users[${index}]`),
    ),
  };
  if (object.defaultKmsKeyId !== undefined) {
    account.defaultKmsKeyId = asString(
      object.defaultKmsKeyId,
      `${path}.defaultKmsKeyId`,
    );
  }
  return account;
}

function parseAccessKey(value: unknown, path: string): AccessKey {
  const object = asObject(value, path);
  rejectUnknownKeys(object, path, ['ak', 'sk', 'securityToken', 'expiresAt']);
  const key: AccessKey = {
    ak: asString(object.ak, `${path}.ak`, /^\S+$/, 'a non-empty string'),
    sk: asString(object.sk, `${path}.sk`, /^\S+$/, 'a non-empty string'),
  };
  if (object.securityToken !== undefined) {
    key.securityToken = asString(object.securityToken, `${path}.securityToken`);
  }
  if (object.expiresAt !== undefined) {
    key.expiresAt = asDateTime(object.expiresAt, `${path}.expiresAt`);
  }
  return key;
}

function parseUser(value: unknown, path: string): IamUser {
  const object = asObject(value, path);
  rejectUnknownKeys(object, path, ['id', 'name', 'password']);
  return {
    id: asString(object.id, `${path}.id`, HEX32, '32 lower-case hex digits'),
    name: asString(object.name, `${path}.name`),
    password: asString(object.password, `${path}.password`),
  };
}

/** Validates one project entry. */
export function parseProject(value: unknown, path: string): Project {
  const object = asObject(value, path);
  rejectUnknownKeys(object, path, [
    'id',
    'name',
    'region',
    'accountId',
    'parentId',
    'enabled',
    'description',
  ]);
  const project: Project = {
    id: asString(object.id, `${path}.id`, HEX32, '32 lower-case hex digits'),
    name: asString(object.name, `${path}.name`, /^\S+$/, 'a non-empty name'),
    region: asString(object.region, `${path}.region`, /^\S+$/, 'a region'),
    accountId: asString(
      object.accountId,
      `${path}.accountId`,
      HEX32,
      '32 lower-case hex digits',
    ),
  };
  if (object.parentId !== undefined) {
    project.parentId = asString(object.parentId, `${path}.parentId`);
  }
  if (object.enabled !== undefined) {
    project.enabled = asBoolean(object.enabled, `${path}.enabled`);
  }
  if (object.description !== undefined) {
    project.description = asString(object.description, `${path}.description`);
  }
  return project;
}

const IMAGE_KEYS = [
  'id',
  'name',
  'owner',
  'status',
  'type',
  'wholeImage',
  'backupId',
  'cmkId',
  'virtualEnvType',
  'minDisk',
  'diskFormat',
  'createdAt',
  'updatedAt',
  'members',
] as const;

/** Validates one image entry, filling defaults. */
export function parseImage(
  value: unknown,
  path: string,
  nowIso: string,
): Image {
  const object = asObject(value, path);
  rejectUnknownKeys(object, path, IMAGE_KEYS);
  const createdAt = asDateTime(object.createdAt ?? nowIso, `${path}.createdAt`);
  const image: Image = {
    id: asString(object.id, `${path}.id`, UUID, 'a lower-case UUID'),
    name: asString(object.name, `${path}.name`),
    owner: asString(object.owner, `${path}.owner`, HEX32, 'a project ID'),
    status: asEnum(object.status ?? 'active', `${path}.status`, [
      'queued',
      'saving',
      'deleted',
      'killed',
      'active',
    ]),
    type: asEnum(object.type ?? 'private', `${path}.type`, [
      'gold',
      'private',
      'market',
    ]),
    wholeImage: asBoolean(object.wholeImage ?? false, `${path}.wholeImage`),
    virtualEnvType: asEnum(
      object.virtualEnvType ?? 'FusionCompute',
      `${path}.virtualEnvType`,
      ['FusionCompute', 'DataImage', 'Ironic', 'IsoImage'],
    ),
    minDisk: asNumber(object.minDisk ?? 40, `${path}.minDisk`, 0, 65536),
    diskFormat: asString(object.diskFormat ?? 'zvhd2', `${path}.diskFormat`),
    createdAt,
    updatedAt: asDateTime(object.updatedAt ?? createdAt, `${path}.updatedAt`),
    members: asArray(object.members ?? [], `${path}.members`).map(
      (item, index) => parseMember(item, `${path}.members[${index}]`, nowIso),
    ),
  };
  if (object.backupId !== undefined) {
    image.backupId = asString(object.backupId, `${path}.backupId`);
  }
  if (object.cmkId !== undefined) {
    image.cmkId = asString(object.cmkId, `${path}.cmkId`);
  }
  return image;
}

function parseMember(value: unknown, path: string, nowIso: string): Member {
  const object = asObject(value, path);
  rejectUnknownKeys(object, path, [
    'memberId',
    'memberType',
    'status',
    'urn',
    'createdAt',
    'updatedAt',
  ]);
  const memberType = asEnum(
    object.memberType ?? 'project',
    `${path}.memberType`,
    ['project', 'domain', 'organization'],
  );
  const member: Member = {
    memberId: asString(object.memberId, `${path}.memberId`, /^\S+$/, 'an ID'),
    memberType,
    status: asEnum(object.status ?? 'pending', `${path}.status`, [
      'pending',
      'accepted',
      'rejected',
    ]),
    createdAt: asDateTime(object.createdAt ?? nowIso, `${path}.createdAt`),
    updatedAt: asDateTime(object.updatedAt ?? nowIso, `${path}.updatedAt`),
  };
  if (memberType === 'organization') {
    member.urn = asString(
      object.urn,
      `${path}.urn`,
      ORGANIZATION_URN,
      'an Organizations URN',
    );
  }
  return member;
}

function checkReferences(
  accounts: Account[],
  projects: Project[],
  images: Image[],
): void {
  const accountIds = uniqueIds(accounts, 'accounts');
  const projectIds = uniqueIds(projects, 'projects');
  uniqueIds(images, 'images');
  uniqueAccessKeys(accounts);
  projects.forEach((project, index) => {
    if (!accountIds.has(project.accountId)) {
      throw new StateError(
        `projects[${index}].accountId: account ${project.accountId} is not in accounts`,
      );
    }
  });
  images.forEach((image, index) => {
    if (!projectIds.has(image.owner)) {
      throw new StateError(
        `images[${index}].owner: project ${image.owner} is not in projects`,
      );
    }
  });
}

function uniqueIds(items: { id: string }[], path: string): Set<string> {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.id)) {
      throw new StateError(`${path}[${index}].id: duplicate ID ${item.id}`);
    }
    seen.add(item.id);
  });
  return seen;
}

function uniqueAccessKeys(accounts: Account[]): void {
  const seen = new Set<string>();
  accounts.forEach((account, index) => {
    account.accessKeys.forEach((key, keyIndex) => {
      if (seen.has(key.ak)) {
        throw new StateError(
          `accounts[${index}].accessKeys[${keyIndex}].ak: duplicate access key ${key.ak}`,
        );
      }
      seen.add(key.ak);
    });
  });
}
