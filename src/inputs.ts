/**
 * Reads and validates the action's inputs into one typed value. Nothing
 * after this module reads inputs or `process.env`; every error names the
 * input, the value and the fix, and no request is sent before it passes.
 */

import { Inputs } from './constants.js';
import { InputError } from './errors.js';
import { readPackerManifest, type PackerRuns } from './packer.js';
import { parseRegions, type RegionEntry } from './regions.js';

/**
 * A recipient of a share: a project of the image's region, a whole account
 * (domain), or an organization, its root or an organizational unit (URN).
 */
export interface Target {
  type: 'project' | 'domain' | 'organization';
  id: string;
}

/** Handling of the other pairs when some pair cannot succeed. */
export type OnInvalid = 'skip' | 'fail';

export type CloudName = 'huaweicloud' | 'huaweicloud-eu' | 'otc' | 'custom';

export const CLOUD_NAMES: readonly CloudName[] = [
  'huaweicloud',
  'huaweicloud-eu',
  'otc',
  'custom',
];

/** Credential inputs as given; `credentials.ts` combines them with the environment. */
export interface CredentialInputs {
  accessKey: string;
  secretKey: string;
  securityToken: string;
  authToken: string;
  userName: string;
  password: string;
  domainName: string;
  identityProvider: string;
  agency: string;
  audience: string;
}

/** The images and targets of one region, after merging `region` and `regions`. */
export interface RegionPlan {
  region: string;
  imageIds: string[];
  /** Image names to resolve to the caller's images of the region. */
  imageNames: string[];
  targets: Target[];
  /** The caller's project in this region, from `regions`; else looked up. */
  projectId?: string | undefined;
}

/** The member change the run makes. */
export type Operation = 'share' | 'unshare' | 'accept' | 'reject';

export const OPERATIONS: readonly Operation[] = [
  'share',
  'unshare',
  'accept',
  'reject',
];

export interface ActionInputs {
  /** Image IDs of the top-level inputs (`image-ids` and `packer-manifest`). */
  imageIds: string[];
  /** Targets of the top-level inputs. */
  targets: Target[];
  /** The `region` input's region, or the first region of `regions`. */
  region: string;
  /** Every region's images and targets: what the run works on. */
  regionPlans: RegionPlan[];
  operation: Operation;
  /** CBR vault for accepting whole-server images. */
  vaultId: string;
  waitForAcceptance: boolean;
  dryRun: boolean;
  cloud: CloudName;
  /** The owner's project ID from the input, or `undefined` to look it up. */
  projectId: string | undefined;
  credentials: CredentialInputs;
  imsEndpoint: string;
  iamEndpoint: string;
  stsEndpoint: string;
  wait: boolean;
  /** Maximum wait for all jobs, in milliseconds. */
  timeoutMs: number;
  onInvalid: OnInvalid;
  imagesPerRequest: number;
  targetsPerRequest: number;
  concurrency: number;
  retryMaxAttempts: number;
  requestTimeoutMs: number;
  unknownOutcomeWaitMs: number;
}

/** Reads one input by name; `core.getInput` in production. */
export type GetInput = (name: string) => string;

type Environment = Record<string, string | undefined>;

/** Variables that may hold the region, in the order they are read. */
export const REGION_ENV_NAMES = [
  'HUAWEI_CLOUD_REGION',
  'HW_REGION_NAME',
  'OS_REGION_NAME',
] as const;

/** The default `audience` of the GitHub ID token. */
export const DEFAULT_AUDIENCE = 'huaweicloud';

const UUID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PROJECT_ID_PATTERN = /^[0-9a-f]{32}$/;
/** Region IDs such as `ap-southeast-1`, `eu-west-101`, `eu-de`, `eu-ch2`. */
const REGION_PATTERN = /^[a-z]{2,3}(-[a-z0-9]+){1,3}$/;
/** Longest accepted duration: 24 hours, well inside the timer range of Node.js. */
export const MAX_DURATION_MS = 24 * 3600 * 1000;
const DURATION_PATTERN = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/;

/**
 * Splits a list input into items. Items are separated by new lines (LF or
 * CRLF), commas or spaces; text after `#` on a line is a comment. A value
 * that starts with `[` is read as a JSON array of strings instead. Blank
 * items and repeats are dropped, keeping the first occurrence's order.
 */
export function parseList(input: string, value: string): string[] {
  const trimmed = value.trim();
  const items = trimmed.startsWith('[')
    ? parseJsonList(input, trimmed)
    : trimmed
        .split(/\r?\n/)
        .map((line) => line.replace(/#.*$/, ''))
        .flatMap((line) => line.split(/[\s,]+/));
  const unique = new Set<string>();
  for (const item of items) {
    const clean = item.trim();
    if (clean !== '') unique.add(clean);
  }
  return [...unique];
}

function parseJsonList(input: string, value: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new InputError(
      input,
      `Input ${input} starts with "[" but is not valid JSON (${(error as Error).message}). ` +
        'Give a JSON array of strings, or list the values one per line.',
    );
  }
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) {
    throw new InputError(
      input,
      `Input ${input} must be a JSON array of strings, such as ["a","b"]; got ${truncate(value)}.`,
    );
  }
  return parsed;
}

/**
 * Parses a duration given as seconds (`600`, `1.5`) or with units
 * (`90s`, `10m`, `1h30m`) into milliseconds.
 */
export function parseDuration(
  input: string,
  value: string,
  maxMs = MAX_DURATION_MS,
): number {
  const text = value.trim();
  let seconds: number | undefined;
  if (/^\d+(\.\d+)?$/.test(text)) {
    seconds = Number(text);
  } else {
    const match = DURATION_PATTERN.exec(text);
    if (match && text !== '') {
      const [, hours = '0', minutes = '0', secs = '0'] = match;
      seconds = Number(hours) * 3600 + Number(minutes) * 60 + Number(secs);
    }
  }
  const ms = seconds === undefined ? 0 : Math.round(seconds * 1000);
  if (!(ms > 0)) {
    throw new InputError(
      input,
      `Input ${input} has the invalid duration "${truncate(text)}". ` +
        'Give a positive number of seconds or a duration such as 90s, 10m or 1h30m.',
    );
  }
  if (ms > maxMs) {
    throw new InputError(
      input,
      `Input ${input} is ${truncate(text)}, longer than the maximum of ${maxMs / 1000} s.`,
    );
  }
  return ms;
}

/** Parses a whole number between `min` and `max`, inclusive. */
export function parseInteger(
  input: string,
  value: string,
  min: number,
  max: number,
): number {
  const text = value.trim();
  const number = Number(text);
  if (!/^\d+$/.test(text) || number < min || number > max) {
    throw new InputError(
      input,
      `Input ${input} must be a whole number from ${min} to ${max}; got "${truncate(text)}".`,
    );
  }
  return number;
}

/** Parses `true`/`false` as the YAML 1.2 core schema spells them. */
export function parseBoolean(input: string, value: string): boolean {
  const text = value.trim();
  if (['true', 'True', 'TRUE'].includes(text)) return true;
  if (['false', 'False', 'FALSE'].includes(text)) return false;
  throw new InputError(
    input,
    `Input ${input} must be true or false; got "${truncate(text)}".`,
  );
}

/** Checks image IDs (UUIDs) and returns them in lower case. */
export function parseImageIds(input: string, ids: string[]): string[] {
  return dedupe(ids).map((id) => {
    const lower = id.toLowerCase();
    if (!UUID_PATTERN.test(lower)) {
      throw new InputError(
        input,
        `Input ${input} contains "${truncate(id)}", which is not an image ID. ` +
          'IMS image IDs are UUIDs such as d164b5df-1bc3-4c3f-893e-3e471fd16e64.',
      );
    }
    return lower;
  });
}

/** Checks project IDs (32 hexadecimal characters) and returns them in lower case. */
export function parseProjectIds(input: string, ids: string[]): string[] {
  return dedupe(ids).map((id) => {
    const lower = id.toLowerCase();
    if (!PROJECT_ID_PATTERN.test(lower)) {
      throw new InputError(
        input,
        `Input ${input} contains "${truncate(id)}", which is not a project ID. ` +
          'Project IDs are 32 hexadecimal characters, as shown under My Credentials > API Credentials in the console.',
      );
    }
    return lower;
  });
}

const ORGANIZATION_URN_PATTERN =
  /^organizations::[0-9a-f]{32}:(organization:o-[0-9a-z]+|root:o-[0-9a-z]+\/r-[0-9a-z]+|ou:o-[0-9a-z]+\/ou-[0-9a-z-]+)$/;

/** Checks account (domain) IDs: 32 hexadecimal characters, returned in lower case. */
export function parseDomainIds(ids: string[]): string[] {
  return dedupe(ids).map((id) => {
    const lower = id.toLowerCase();
    if (!PROJECT_ID_PATTERN.test(lower)) {
      throw new InputError(
        Inputs.DomainIds,
        `Input ${Inputs.DomainIds} contains "${truncate(id)}", which is not an account ID. ` +
          'Account (domain) IDs are 32 hexadecimal characters, shown under My Credentials in the console.',
      );
    }
    return lower;
  });
}

/**
 * Checks Organizations URNs: an organization, its root or an organizational
 * unit, in the forms the IMS batch-add documentation shows.
 */
export function parseOrganizationUrns(urns: string[]): string[] {
  for (const urn of urns) {
    if (!ORGANIZATION_URN_PATTERN.test(urn)) {
      throw new InputError(
        Inputs.OrganizationUrns,
        `Input ${Inputs.OrganizationUrns} contains "${truncate(urn)}", which is not an Organizations URN. ` +
          'Use organizations::{account_id}:organization:o-xxxx, organizations::{account_id}:root:o-xxxx/r-xxxx ' +
          'or organizations::{account_id}:ou:o-xxxx/ou-xxxx.',
      );
    }
  }
  return urns;
}

/**
 * Splits a list whose items may contain spaces and commas, such as image
 * names: one item per line, or a JSON array of strings.
 */
export function parseLines(input: string, value: string): string[] {
  const trimmed = value.trim();
  const items = trimmed.startsWith('[')
    ? parseJsonList(input, trimmed)
    : trimmed.split(/\r?\n/);
  return [
    ...new Set(items.map((item) => item.trim()).filter((item) => item !== '')),
  ];
}

function parseOperation(value: string): Operation {
  const operation = value.trim() || 'share';
  if (!(OPERATIONS as readonly string[]).includes(operation)) {
    throw new InputError(
      Inputs.Operation,
      `Input ${Inputs.Operation} has the unknown value "${truncate(operation)}". Use one of: ${OPERATIONS.join(', ')}.`,
    );
  }
  return operation as Operation;
}

function parsePackerRuns(value: string): PackerRuns {
  const runs = value.trim() || 'last';
  if (runs !== 'last' && runs !== 'all') {
    throw new InputError(
      Inputs.PackerManifestRuns,
      `Input ${Inputs.PackerManifestRuns} must be "last" (the last Packer run's builds) or "all"; got "${truncate(runs)}".`,
    );
  }
  return runs;
}

/** Checks a region ID such as `ap-southeast-1`. */
export function parseRegion(input: string, value: string): string {
  const region = value.trim();
  if (region === '') {
    throw new InputError(
      input,
      `Input ${input} is required. Set it to the region ID of the images, such as ap-southeast-1 ` +
        `(or set one of ${REGION_ENV_NAMES.join(', ')}).`,
    );
  }
  if (!REGION_PATTERN.test(region)) {
    throw new InputError(
      input,
      `Input ${input} has the invalid region ID "${truncate(region)}". ` +
        'Use the region ID, such as ap-southeast-1 or eu-west-101, not its display name.',
    );
  }
  return region;
}

function parseCloud(value: string): CloudName {
  const cloud = value.trim() || 'huaweicloud';
  if (!(CLOUD_NAMES as readonly string[]).includes(cloud)) {
    throw new InputError(
      Inputs.Cloud,
      `Input ${Inputs.Cloud} has the unknown value "${truncate(cloud)}". Use one of: ${CLOUD_NAMES.join(', ')}.`,
    );
  }
  return cloud as CloudName;
}

function parseOnInvalid(value: string): OnInvalid {
  const mode = value.trim() || 'skip';
  if (mode !== 'skip' && mode !== 'fail') {
    throw new InputError(
      Inputs.OnInvalid,
      `Input ${Inputs.OnInvalid} must be "skip" (share the valid pairs) or "fail" (share nothing); got "${truncate(mode)}".`,
    );
  }
  return mode;
}

/** Reads a whole-number input, applying its action.yml default when empty. */
function readInteger(
  getInput: GetInput,
  input: string,
  fallback: string,
  min: number,
  max: number,
): number {
  return parseInteger(input, withDefault(getInput(input), fallback), min, max);
}

/** Returns the value, or the default when the input is empty. */
function withDefault(value: string, fallback: string): string {
  return value.trim() === '' ? fallback : value;
}

/**
 * Reads every input and validates it. Defaults declared in action.yml are
 * repeated here because the runner applies them, not `core.getInput`, and
 * tests or local runs may leave an input unset.
 */
export async function readInputs(
  getInput: GetInput,
  env: Environment = {},
): Promise<ActionInputs> {
  const operation = parseOperation(getInput(Inputs.Operation));
  const top = readTopLevelPlan(getInput, env, operation);
  const regionEntries = await parseRegions(getInput(Inputs.Regions));
  const regionPlans = mergePlans([
    ...(top.plan ? [top.plan] : []),
    ...regionEntries.map((entry) => toRegionPlan(entry, top.sharedTargets)),
  ]);
  checkPlans(regionPlans, operation);
  const ownProject = getInput(Inputs.ProjectId).trim();
  const inputs: ActionInputs = {
    imageIds: top.plan?.imageIds ?? [],
    targets: top.plan?.targets ?? top.sharedTargets,
    region: top.plan?.region ?? regionPlans[0]?.region ?? '',
    regionPlans,
    operation,
    vaultId: getInput(Inputs.VaultId).trim(),
    waitForAcceptance: parseBoolean(
      Inputs.WaitForAcceptance,
      withDefault(getInput(Inputs.WaitForAcceptance), 'false'),
    ),
    dryRun: parseBoolean(
      Inputs.DryRun,
      withDefault(getInput(Inputs.DryRun), 'false'),
    ),
    cloud: parseCloud(getInput(Inputs.Cloud)),
    projectId:
      ownProject === ''
        ? undefined
        : parseProjectIds(Inputs.ProjectId, [ownProject])[0],
    credentials: {
      accessKey: getInput(Inputs.AccessKey).trim(),
      secretKey: getInput(Inputs.SecretKey).trim(),
      securityToken: getInput(Inputs.SecurityToken).trim(),
      authToken: getInput(Inputs.AuthToken).trim(),
      userName: getInput(Inputs.UserName).trim(),
      password: getInput(Inputs.Password),
      domainName: getInput(Inputs.DomainName).trim(),
      identityProvider: getInput(Inputs.IdentityProvider).trim(),
      agency: getInput(Inputs.Agency).trim(),
      audience: getInput(Inputs.Audience).trim() || DEFAULT_AUDIENCE,
    },
    imsEndpoint: getInput(Inputs.ImsEndpoint).trim(),
    iamEndpoint: getInput(Inputs.IamEndpoint).trim(),
    stsEndpoint: getInput(Inputs.StsEndpoint).trim(),
    wait: parseBoolean(Inputs.Wait, withDefault(getInput(Inputs.Wait), 'true')),
    timeoutMs: parseDuration(
      Inputs.Timeout,
      withDefault(getInput(Inputs.Timeout), '10m'),
    ),
    onInvalid: parseOnInvalid(getInput(Inputs.OnInvalid)),
    imagesPerRequest: readInteger(
      getInput,
      Inputs.ImagesPerRequest,
      '100',
      1,
      1000,
    ),
    targetsPerRequest: readInteger(
      getInput,
      Inputs.TargetsPerRequest,
      '100',
      1,
      1000,
    ),
    concurrency: readInteger(getInput, Inputs.Concurrency, '4', 1, 32),
    retryMaxAttempts: readInteger(
      getInput,
      Inputs.RetryMaxAttempts,
      '5',
      1,
      20,
    ),
    requestTimeoutMs: parseDuration(
      Inputs.RequestTimeout,
      withDefault(getInput(Inputs.RequestTimeout), '30s'),
      600_000,
    ),
    unknownOutcomeWaitMs: parseDuration(
      Inputs.UnknownOutcomeWait,
      withDefault(getInput(Inputs.UnknownOutcomeWait), '60s'),
    ),
  };
  checkCombinations(inputs);
  return inputs;
}

/**
 * Reads the top-level image and target inputs. Account and organization
 * targets apply in every region; image IDs, names, the Packer manifest and
 * project IDs belong to the `region` input's region.
 */
function readTopLevelPlan(
  getInput: GetInput,
  env: Environment,
  operation: Operation,
): { plan: RegionPlan | undefined; sharedTargets: Target[] } {
  const manifest = getInput(Inputs.PackerManifest).trim();
  // Checked even without a manifest, so that a typo does not go unnoticed.
  const runs = parsePackerRuns(getInput(Inputs.PackerManifestRuns));
  const fromManifest =
    manifest === '' ? [] : readPackerManifest(manifest, runs);
  const imageIds = parseImageIds(Inputs.ImageIds, [
    ...parseList(Inputs.ImageIds, getInput(Inputs.ImageIds)),
    ...parseImageIds(Inputs.PackerManifest, fromManifest),
  ]);
  const imageNames = parseLines(Inputs.ImageNames, getInput(Inputs.ImageNames));
  const projects = parseProjectIds(
    Inputs.ProjectIds,
    parseList(Inputs.ProjectIds, getInput(Inputs.ProjectIds)),
  );
  const sharedTargets: Target[] = [
    ...parseDomainIds(
      parseList(Inputs.DomainIds, getInput(Inputs.DomainIds)),
    ).map((id): Target => ({ type: 'domain', id })),
    ...parseOrganizationUrns(
      parseList(Inputs.OrganizationUrns, getInput(Inputs.OrganizationUrns)),
    ).map((id): Target => ({ type: 'organization', id })),
  ];
  if (operation === 'accept' || operation === 'reject') {
    rejectTargets(operation, projects.length + sharedTargets.length);
  }
  const hasImages = imageIds.length + imageNames.length > 0;
  const regionValue = getInput(Inputs.Region);
  if (!hasImages && projects.length === 0 && regionValue.trim() === '') {
    return { plan: undefined, sharedTargets };
  }
  return {
    plan: {
      region: readRegion(regionValue, env),
      imageIds: [...new Set(imageIds)],
      imageNames,
      targets: [
        ...projects.map((id): Target => ({ type: 'project', id })),
        ...sharedTargets,
      ],
    },
    sharedTargets,
  };
}

function toRegionPlan(entry: RegionEntry, sharedTargets: Target[]): RegionPlan {
  const key = `${Inputs.Regions} (${entry.region})`;
  const projects = parseProjectIds(key, parseList(key, entry.projectIds));
  const own = entry.projectId.trim();
  return {
    projectId: own === '' ? undefined : parseProjectIds(key, [own])[0],
    region: parseRegion(key, entry.region),
    imageIds: parseImageIds(key, parseList(key, entry.imageIds)),
    imageNames: parseLines(key, entry.imageNames),
    targets: [
      ...projects.map((id): Target => ({ type: 'project', id })),
      ...sharedTargets,
    ],
  };
}

/**
 * Merges plans of the same region, keeping first-seen order. Only one of
 * them may name images or projects: a plan shares each of its images with
 * each of its targets, so merging two such plans would share images with
 * projects that the inputs never paired them with.
 */
function mergePlans(plans: RegionPlan[]): RegionPlan[] {
  const merged = new Map<string, RegionPlan>();
  for (const plan of plans) {
    const existing = merged.get(plan.region);
    if (!existing) {
      merged.set(plan.region, plan);
      continue;
    }
    if (namesPairs(existing) && namesPairs(plan)) {
      throw new InputError(
        Inputs.Regions,
        `Region ${plan.region} is in ${Inputs.Regions} and is also the ${Inputs.Region} of ${Inputs.ImageIds}, ${Inputs.ImageNames}, ${Inputs.PackerManifest} or ${Inputs.ProjectIds}. ` +
          `Give the images and projects of ${plan.region} in one place: its entry in ${Inputs.Regions}, or the top-level inputs.`,
      );
    }
    const targetKeys = new Set(
      existing.targets.map((t) => `${t.type}:${t.id}`),
    );
    existing.projectId ??= plan.projectId;
    existing.imageIds = [...new Set([...existing.imageIds, ...plan.imageIds])];
    existing.imageNames = [
      ...new Set([...existing.imageNames, ...plan.imageNames]),
    ];
    existing.targets.push(
      ...plan.targets.filter((t) => !targetKeys.has(`${t.type}:${t.id}`)),
    );
  }
  return [...merged.values()];
}

/** Rejects inputs that are valid alone but would be ignored together. */
function checkCombinations(inputs: ActionInputs): void {
  if (inputs.waitForAcceptance && !inputs.wait) {
    throw new InputError(
      Inputs.WaitForAcceptance,
      `Input ${Inputs.WaitForAcceptance} is true, but ${Inputs.Wait} is false, so the step would not wait for the job, let alone the acceptance. Set ${Inputs.Wait} to true, or ${Inputs.WaitForAcceptance} to false.`,
    );
  }
  if (inputs.waitForAcceptance && inputs.operation !== 'share') {
    throw new InputError(
      Inputs.WaitForAcceptance,
      `Input ${Inputs.WaitForAcceptance} applies to operation share only, not to ${inputs.operation}. Remove it.`,
    );
  }
  if (inputs.vaultId !== '' && inputs.operation !== 'accept') {
    throw new InputError(
      Inputs.VaultId,
      `Input ${Inputs.VaultId} is used when accepting a whole-server image (operation accept), not with operation ${inputs.operation}. Remove it, or set ${Inputs.Operation} to accept.`,
    );
  }
}

/** Returns whether a plan names images or project targets of its own. */
function namesPairs(plan: RegionPlan): boolean {
  return (
    plan.imageIds.length > 0 ||
    plan.imageNames.length > 0 ||
    plan.targets.some((target) => target.type === 'project')
  );
}

function checkPlans(plans: RegionPlan[], operation: Operation): void {
  const images = plans.reduce(
    (n, p) => n + p.imageIds.length + p.imageNames.length,
    0,
  );
  if (images === 0) {
    throw new InputError(
      Inputs.ImageIds,
      `No image given. Set ${Inputs.ImageIds}, ${Inputs.ImageNames}, ${Inputs.PackerManifest} or ${Inputs.Regions}.`,
    );
  }
  if (operation === 'accept' || operation === 'reject') return;
  const withoutTargets = plans.find((plan) => plan.targets.length === 0);
  if (withoutTargets) {
    throw new InputError(
      Inputs.ProjectIds,
      `No target given for region ${withoutTargets.region}. Set ${Inputs.ProjectIds}, ${Inputs.DomainIds} or ${Inputs.OrganizationUrns} (or project-ids of that region in ${Inputs.Regions}).`,
    );
  }
}

function rejectTargets(operation: Operation, count: number): void {
  if (count === 0) return;
  throw new InputError(
    Inputs.ProjectIds,
    `Operation ${operation} takes no targets: it answers shares made to the caller's own project. ` +
      `Remove ${Inputs.ProjectIds}, ${Inputs.DomainIds} and ${Inputs.OrganizationUrns}, and run it with the receiving project's credentials.`,
  );
}

/**
 * Returns the region from the input, or else from the first region variable
 * of the environment that is set.
 */
function readRegion(value: string, env: Environment): string {
  if (value.trim() !== '') return parseRegion(Inputs.Region, value);
  for (const name of REGION_ENV_NAMES) {
    const fromEnv = env[name]?.trim();
    if (fromEnv) return parseRegion(name, fromEnv);
  }
  return parseRegion(Inputs.Region, '');
}

/** Drops IDs that repeat an earlier one in another letter case. */
function dedupe(ids: string[]): string[] {
  const seen = new Set<string>();
  return ids.filter((id) => {
    const key = id.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Shortens a user value for an error message. */
function truncate(value: string, max = 80): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}
