/**
 * Reads and validates the action's inputs into one typed value. Nothing
 * after this module reads inputs or `process.env`; every error names the
 * input, the value and the fix, and no request is sent before it passes.
 */

import { Inputs } from './constants.js';
import { InputError } from './errors.js';

/** A recipient of a share: for now a project in the image's region. */
export interface Target {
  type: 'project';
  id: string;
}

/** What to do with the other pairs when some pair cannot succeed. */
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

export interface ActionInputs {
  imageIds: string[];
  targets: Target[];
  region: string;
  cloud: CloudName;
  /** The owner's project ID from the input, or `undefined` to look it up. */
  projectId: string | undefined;
  credentials: CredentialInputs;
  imsEndpoint: string;
  iamEndpoint: string;
  stsEndpoint: string;
  wait: boolean;
  /** Longest wait for all jobs, in milliseconds. */
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
  return ids.map((id) => {
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
  return ids.map((id) => {
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

/** Returns the value, or the default when the input is empty. */
function withDefault(value: string, fallback: string): string {
  return value.trim() === '' ? fallback : value;
}

/**
 * Reads every input and validates it. Defaults declared in action.yml are
 * repeated here because the runner applies them, not `core.getInput`, and
 * tests or local runs may leave an input unset.
 */
export function readInputs(
  getInput: GetInput,
  env: Environment = {},
): ActionInputs {
  const imageIds = parseImageIds(
    Inputs.ImageIds,
    parseList(Inputs.ImageIds, getInput(Inputs.ImageIds)),
  );
  if (imageIds.length === 0) {
    throw new InputError(
      Inputs.ImageIds,
      `Input ${Inputs.ImageIds} is required. Give at least one image ID, one per line.`,
    );
  }
  const projectIds = parseProjectIds(
    Inputs.ProjectIds,
    parseList(Inputs.ProjectIds, getInput(Inputs.ProjectIds)),
  );
  if (projectIds.length === 0) {
    throw new InputError(
      Inputs.ProjectIds,
      `Input ${Inputs.ProjectIds} is required. Give at least one project ID to share with, one per line.`,
    );
  }
  const ownProject = getInput(Inputs.ProjectId).trim();
  return {
    imageIds,
    targets: projectIds.map((id) => ({ type: 'project', id })),
    region: readRegion(getInput(Inputs.Region), env),
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
    imagesPerRequest: parseInteger(
      Inputs.ImagesPerRequest,
      withDefault(getInput(Inputs.ImagesPerRequest), '100'),
      1,
      1000,
    ),
    targetsPerRequest: parseInteger(
      Inputs.TargetsPerRequest,
      withDefault(getInput(Inputs.TargetsPerRequest), '100'),
      1,
      1000,
    ),
    concurrency: parseInteger(
      Inputs.Concurrency,
      withDefault(getInput(Inputs.Concurrency), '4'),
      1,
      32,
    ),
    retryMaxAttempts: parseInteger(
      Inputs.RetryMaxAttempts,
      withDefault(getInput(Inputs.RetryMaxAttempts), '5'),
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

/** Shortens a user value for an error message. */
function truncate(value: string, max = 80): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}
