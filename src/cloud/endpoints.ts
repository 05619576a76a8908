/**
 * Endpoints of each cloud that runs the IMS API, and the checks that keep
 * signed requests and tokens away from unintended hosts.
 */

import { Inputs } from '../constants.js';
import { InputError } from '../errors.js';
import type { CloudName } from '../inputs.js';
import type { Logger } from '../logger.js';

export interface CloudProfile {
  name: CloudName;
  /** Host suffix under which the cloud's endpoints live. */
  domain: string | undefined;
  /** Regions the cloud has, or `undefined` when any region is accepted. */
  regions: readonly string[] | undefined;
  imsHost(region: string): string;
  iamHost(region: string): string;
  /** Host of STS (IAM v5), or `undefined` where the cloud documents none. */
  stsHost(region: string): string | undefined;
  /**
   * Members one system-disk or data-disk image may have; `undefined` when
   * unknown, so the service alone decides. Whole-server images allow 10.
   */
  memberLimit: number | undefined;
  /** Whether an encrypted image is refused whatever its key. */
  rejectsAllEncryptedImages: boolean;
}

/** IMS regions of Huawei Cloud, from the official Go and Node SDKs' IMS region lists. */
const HUAWEI_REGIONS = [
  'af-north-1',
  'af-south-1',
  'ae-ad-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'cn-east-2',
  'cn-east-3',
  'cn-east-4',
  'cn-east-5',
  'cn-north-1',
  'cn-north-2',
  'cn-north-4',
  'cn-north-9',
  'cn-north-11',
  'cn-north-12',
  'cn-south-1',
  'cn-south-2',
  'cn-south-4',
  'cn-southwest-2',
  'cn-southwest-3',
  'eu-west-0',
  'la-north-2',
  'la-south-2',
  'me-east-1',
  'my-kualalumpur-1',
  'na-mexico-1',
  'ru-moscow-1',
  'sa-brazil-1',
  'tr-west-1',
] as const;

export const CLOUDS: Record<CloudName, CloudProfile> = {
  huaweicloud: {
    name: 'huaweicloud',
    domain: 'myhuaweicloud.com',
    regions: HUAWEI_REGIONS,
    imsHost: (region) => `ims.${region}.myhuaweicloud.com`,
    iamHost: (region) => `iam.${region}.myhuaweicloud.com`,
    stsHost: (region) => `sts.${region}.myhuaweicloud.com`,
    // Huawei Cloud FAQ "How many tenants can an image be shared with?": 128.
    memberLimit: 128,
    rejectsAllEncryptedImages: true,
  },
  'huaweicloud-eu': {
    name: 'huaweicloud-eu',
    domain: 'myhuaweicloud.eu',
    regions: ['eu-west-101'],
    // The SDKs list ims.eu-west-101.myhuaweicloud.com, but the Terraform
    // provider builds every eu-west-101 endpoint under myhuaweicloud.eu.
    // The European site's own IAM host is under .eu, so IMS follows it.
    imsHost: (region) => `ims.${region}.myhuaweicloud.eu`,
    iamHost: (region) => `iam.${region}.myhuaweicloud.eu`,
    stsHost: (region) => `sts.${region}.myhuaweicloud.eu`,
    memberLimit: 128,
    rejectsAllEncryptedImages: true,
  },
  otc: {
    name: 'otc',
    domain: 'otc.t-systems.com',
    regions: ['eu-de', 'eu-nl', 'eu-ch2'],
    // The Swiss region lives under sc.otc.t-systems.com, with IAM at iam-pub
    // (Open Telekom Cloud Swiss "Regions and Endpoints").
    imsHost: (region) =>
      region === 'eu-ch2'
        ? 'ims.eu-ch2.sc.otc.t-systems.com'
        : `ims.${region}.otc.t-systems.com`,
    iamHost: (region) =>
      region === 'eu-ch2'
        ? 'iam-pub.eu-ch2.sc.otc.t-systems.com'
        : `iam.${region}.otc.t-systems.com`,
    stsHost: () => undefined,
    // Open Telekom Cloud IMS "Restrictions on Image Sharing": 256 tenants.
    memberLimit: 256,
    // The same page refuses only images encrypted with the default KMS key.
    rejectsAllEncryptedImages: false,
  },
  custom: {
    name: 'custom',
    domain: undefined,
    regions: undefined,
    imsHost: () => '',
    iamHost: () => '',
    stsHost: () => undefined,
    memberLimit: undefined,
    rejectsAllEncryptedImages: false,
  },
};

/** Members a whole-server (full-ECS) image may have, on every cloud. */
export const WHOLE_IMAGE_MEMBER_LIMIT = 10;

export interface Endpoints {
  cloud: CloudProfile;
  ims: URL;
  iam: URL;
  /** STS endpoint for the agency route; `undefined` when the cloud has none and no input sets it. */
  sts: URL | undefined;
}

/**
 * Derives the IMS and IAM endpoints from the cloud and region, or takes the
 * endpoint inputs, which override the derived URLs.
 */
export function resolveEndpoints(
  cloudName: CloudName,
  region: string,
  overrides: { ims: string; iam: string; sts?: string },
  logger: Logger,
): Endpoints {
  const cloud = CLOUDS[cloudName];
  if (
    cloudName === 'custom' &&
    (overrides.ims === '' || overrides.iam === '')
  ) {
    throw new InputError(
      overrides.ims === '' ? Inputs.ImsEndpoint : Inputs.IamEndpoint,
      `Input ${Inputs.Cloud} is "custom", so both ${Inputs.ImsEndpoint} and ${Inputs.IamEndpoint} are required.`,
    );
  }
  const bothOverridden = overrides.ims !== '' && overrides.iam !== '';
  if (cloud.regions && !bothOverridden && !cloud.regions.includes(region)) {
    throw new InputError(
      Inputs.Region,
      `Region "${region}" is not a region of cloud ${cloud.name}. ` +
        `Its regions are: ${cloud.regions.join(', ')}. ` +
        `Choose another ${Inputs.Cloud}, or set ${Inputs.ImsEndpoint} and ${Inputs.IamEndpoint}.`,
    );
  }
  const ims =
    overrides.ims === ''
      ? new URL(`https://${cloud.imsHost(region)}`)
      : parseEndpoint(Inputs.ImsEndpoint, overrides.ims, cloud, logger);
  const iam =
    overrides.iam === ''
      ? new URL(`https://${cloud.iamHost(region)}`)
      : parseEndpoint(Inputs.IamEndpoint, overrides.iam, cloud, logger);
  const stsHost = cloud.stsHost(region);
  const sts = overrides.sts
    ? parseEndpoint(Inputs.StsEndpoint, overrides.sts, cloud, logger)
    : stsHost === undefined
      ? undefined
      : new URL(`https://${stsHost}`);
  return { cloud, ims, iam, sts };
}

/** Returns whether a URL host is a loopback address or `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/**
 * Checks an endpoint input before any credential is sent to it: `https`
 * only (plain `http` for loopback), no user info, no query or fragment.
 * Warns when a non-loopback host lies outside the cloud's domain.
 */
export function parseEndpoint(
  input: string,
  value: string,
  cloud: CloudProfile,
  logger: Logger,
): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(
      input,
      `Input ${input} is not a valid URL: "${value}". Give a full URL such as https://ims.ap-southeast-1.myhuaweicloud.com.`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new InputError(
      input,
      `Input ${input} must not contain a user name or password. Remove the part before "@".`,
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new InputError(
      input,
      `Input ${input} must not contain a query string or fragment; got ${url.origin}${url.pathname}${url.search}${url.hash}.`,
    );
  }
  // The clients append paths such as /v1/... and /v3/..., so an endpoint
  // that already ends in one of these versions would double it.
  if (/\/v(1|2|3|3\.0|5)\/?$/.test(url.pathname)) {
    throw new InputError(
      input,
      `Input ${input} ends with an API version path (${url.pathname}). Give the endpoint without it, such as ${url.origin}.`,
    );
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new InputError(
      input,
      `Input ${input} must use https:// (plain http:// is accepted only for loopback addresses); got ${url.protocol}//${url.host}.`,
    );
  }
  const domain = cloud.domain;
  if (!loopback && domain && !isUnderDomain(url.hostname, domain)) {
    logger.warning(
      `Input ${input} points at ${url.hostname}, which is not under ${domain} (cloud ${cloud.name}). ` +
        'Signed requests and tokens will be sent there; check the host.',
    );
  }
  return url;
}

function isUnderDomain(hostname: string, domain: string): boolean {
  const host = hostname.toLowerCase();
  return host === domain || host.endsWith(`.${domain}`);
}
