import { describe, expect, it } from 'vitest';
import { CLOUDS, type CloudProfile } from '../src/cloud/endpoints.js';
import type { ImageInfo, ImageMember } from '../src/cloud/ims.js';
import type { Target } from '../src/inputs.js';
import type { ImsClient } from '../src/cloud/ims.js';
import { NetworkError } from '../src/errors.js';
import { Ledger, type Pair } from '../src/share/ledger.js';
import {
  applyPreflight,
  findImageProblem,
  groupByImage,
  isWholeImage,
  memberMatches,
  readImageFacts,
  type ImageFacts,
} from '../src/share/preflight.js';

const OWNER = '0123456789abcdef0123456789abcdef';
const REGION = 'ap-southeast-1';
const IMAGE_ID = 'd164b5df-1bc3-4c3f-893e-3e471fd16e64';
const OTHER_IMAGE_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** Returns the n-th distinct project ID. */
function projectId(n: number): string {
  return `f${n.toString(16).padStart(31, '0')}`;
}

function project(n: number): Target {
  return { type: 'project', id: projectId(n) };
}

/** Image fields; `undefined` removes a field, as when the API omits it. */
type ImageFields = { [K in keyof ImageInfo]?: ImageInfo[K] | undefined };

function image(fields: ImageFields = {}): ImageInfo {
  const info: Record<string, unknown> = {
    id: IMAGE_ID,
    status: 'active',
    visibility: 'private',
    __imagetype: 'private',
    owner: OWNER,
    ...fields,
  };
  for (const [key, value] of Object.entries(info)) {
    if (value === undefined) delete info[key];
  }
  return info as unknown as ImageInfo;
}

function member(id: string, status = 'accepted'): ImageMember {
  return { member_id: id, member_type: 'project', status };
}

/** Returns `count` members, starting at project number `from`. */
function members(count: number, from = 1000): ImageMember[] {
  return Array.from({ length: count }, (_, i) => member(projectId(from + i)));
}

function problemOf(info: ImageInfo | undefined, cloud: CloudProfile) {
  return findImageProblem(IMAGE_ID, info, OWNER, REGION, cloud);
}

/** Runs preflight on one image and returns each pair's status. */
function preflight(
  targets: Target[],
  fact: ImageFacts,
  cloud: CloudProfile = CLOUDS.huaweicloud,
) {
  const ledger = new Ledger(REGION, [IMAGE_ID], targets);
  applyPreflight(ledger, new Map([[IMAGE_ID, fact]]), {
    projectId: OWNER,
    region: REGION,
    cloud,
  });
  return ledger;
}

function statuses(ledger: Ledger): string[] {
  return ledger.results().map((r) => r.status);
}

describe('findImageProblem', () => {
  it.each([
    ['missing', undefined, /was not found in region ap-southeast-1/],
    ['gold', image({ __imagetype: 'gold' }), /is a public image/],
    ['public', image({ visibility: 'public' }), /is a public image/],
    ['market', image({ __imagetype: 'market' }), /Marketplace image/],
    [
      'other owner',
      image({ owner: projectId(7) }),
      new RegExp(`belongs to project ${projectId(7)}`),
    ],
    ['saving', image({ status: 'saving' }), /is saving, not active/],
    ['queued', image({ status: 'queued' }), /is queued, not active/],
    ['no status', image({ status: undefined }), /in an unknown state/],
    [
      'encrypted',
      image({ __system__cmkid: 'kms-key-1' }),
      /encrypted images cannot be shared/,
    ],
  ])('reports %s image on huaweicloud', (_case, info, expected) => {
    const problem = problemOf(info, CLOUDS.huaweicloud);
    expect(problem).toMatch(expected);
    expect(problem).toContain(IMAGE_ID);
  });

  it('refuses encrypted on huaweicloud-eu', () => {
    const problem = problemOf(
      image({ __system__cmkid: 'kms-key-1' }),
      CLOUDS['huaweicloud-eu'],
    );
    expect(problem).toMatch(/encrypted/);
  });

  it.each(['otc', 'custom'] as const)('allows encrypted on %s', (cloud) => {
    expect(
      problemOf(image({ __system__cmkid: 'kms-key-1' }), CLOUDS[cloud]),
    ).toBeUndefined();
  });

  it.each([
    ['private', image()],
    ['shared', image({ __imagetype: 'shared', visibility: 'shared' })],
    ['upper-case owner', image({ owner: OWNER.toUpperCase() })],
    ['unknown owner', image({ owner: undefined })],
    ['empty key ID', image({ __system__cmkid: '' })],
  ])('accepts %s image', (_case, info) => {
    expect(problemOf(info, CLOUDS.huaweicloud)).toBeUndefined();
  });
});

describe('memberMatches', () => {
  const target = project(1);

  it.each([
    ['same ID', member(target.id), true],
    ['upper-case ID', member(target.id.toUpperCase()), true],
    ['no member type', { member_id: target.id, status: 'pending' }, true],
    ['other ID', member(projectId(2)), false],
    [
      'domain member',
      { member_id: target.id, member_type: 'domain', status: 'accepted' },
      false,
    ],
    [
      'matching URN',
      { member_id: 'x', member_type: 'project', urn: target.id, status: 'a' },
      true,
    ],
  ])('%s matches: %s', (_case, entry, expected) => {
    expect(memberMatches(entry as ImageMember, target)).toBe(expected);
  });
});

describe('isWholeImage', () => {
  it.each([
    [true, true],
    ['true', true],
    [false, false],
    ['false', false],
    [undefined, false],
  ])('reads flag %j as %s', (flag, expected) => {
    expect(isWholeImage(image({ __whole_image: flag }))).toBe(expected);
  });

  it('treats a missing image as not whole', () => {
    expect(isWholeImage(undefined)).toBe(false);
  });
});

describe('applyPreflight image problems', () => {
  it('fails every pair of a missing image', () => {
    const ledger = new Ledger(
      REGION,
      [IMAGE_ID, OTHER_IMAGE_ID],
      [project(1), project(2)],
    );
    applyPreflight(
      ledger,
      new Map([[OTHER_IMAGE_ID, { image: image(), members: [] }]]),
      { projectId: OWNER, region: REGION, cloud: CLOUDS.huaweicloud },
    );
    expect(statuses(ledger)).toEqual([
      'failed',
      'failed',
      'unknown',
      'unknown',
    ]);
    expect(ledger.results()[0]?.message).toContain('was not found');
    expect(ledger.open()).toHaveLength(2);
  });

  it('fails every pair of a gold image', () => {
    const ledger = preflight([project(1), project(2)], {
      image: image({ __imagetype: 'gold' }),
      members: [],
    });
    expect(statuses(ledger)).toEqual(['failed', 'failed']);
  });

  it('leaves settled pairs alone', () => {
    const ledger = new Ledger(REGION, [IMAGE_ID], [project(1)]);
    ledger.settle(ledger.pairs[0] as Pair, 'skipped');
    applyPreflight(ledger, new Map(), {
      projectId: OWNER,
      region: REGION,
      cloud: CLOUDS.huaweicloud,
    });
    expect(statuses(ledger)).toEqual(['skipped']);
  });
});

describe('applyPreflight members', () => {
  it.each(['pending', 'accepted', 'rejected'])(
    'settles %s member as already-shared',
    (memberStatus) => {
      const ledger = preflight([project(1), project(2)], {
        image: image(),
        members: [member(project(1).id, memberStatus)],
      });
      const [shared, open] = ledger.results();
      expect(shared?.status).toBe('already-shared');
      expect(shared?.member_status).toBe(memberStatus);
      expect(shared?.message).toContain(memberStatus);
      expect(open?.status).toBe('unknown');
      expect(ledger.open()).toHaveLength(1);
    },
  );

  it('fails the own project target', () => {
    const ledger = preflight([{ type: 'project', id: OWNER }, project(1)], {
      image: image(),
      members: [],
    });
    expect(statuses(ledger)).toEqual(['failed', 'unknown']);
    expect(ledger.results()[0]?.message).toContain(
      'cannot be shared with its own project',
    );
  });
});

describe('applyPreflight member limit', () => {
  const targets = [project(1), project(2), project(3), project(4)];

  it('fails overflow pairs on huaweicloud', () => {
    const ledger = preflight(targets, {
      image: image(),
      members: members(126),
    });
    expect(statuses(ledger)).toEqual([
      'unknown',
      'unknown',
      'failed',
      'failed',
    ]);
    expect(ledger.results()[2]?.message).toContain('limit of 128 members');
    expect(ledger.results()[2]?.message).toContain('it has 126');
  });

  it('fails overflow pairs on otc', () => {
    const ledger = preflight(
      targets,
      { image: image(), members: members(255) },
      CLOUDS.otc,
    );
    expect(statuses(ledger)).toEqual(['unknown', 'failed', 'failed', 'failed']);
    expect(ledger.results()[1]?.message).toContain('limit of 256 members');
  });

  it('allows 256 members on otc', () => {
    const ledger = preflight(
      targets,
      { image: image(), members: members(252) },
      CLOUDS.otc,
    );
    expect(ledger.open()).toHaveLength(4);
  });

  it('limits whole images to 10', () => {
    const ledger = preflight(
      targets,
      { image: image({ __whole_image: 'true' }), members: members(8) },
      CLOUDS.otc,
    );
    expect(statuses(ledger)).toEqual([
      'unknown',
      'unknown',
      'failed',
      'failed',
    ]);
    expect(ledger.results()[3]?.message).toContain('limit of 10 members');
    expect(ledger.results()[3]?.message).toContain('whole-server images');
  });

  it('fails all when already full', () => {
    const ledger = preflight(targets, {
      image: image(),
      members: members(130),
    });
    expect(statuses(ledger)).toEqual(['failed', 'failed', 'failed', 'failed']);
  });

  it('skips the limit on custom', () => {
    const ledger = preflight(
      targets,
      { image: image(), members: members(1000) },
      CLOUDS.custom,
    );
    expect(ledger.open()).toHaveLength(4);
  });

  it('excludes already-shared pairs from overflow', () => {
    const full = [...members(127), member(project(2).id)];
    const ledger = preflight(targets, { image: image(), members: full });
    expect(statuses(ledger)).toEqual([
      'failed',
      'already-shared',
      'failed',
      'failed',
    ]);
  });

  it('excludes own project from overflow', () => {
    const ledger = preflight([{ type: 'project', id: OWNER }, ...targets], {
      image: image(),
      members: members(127),
    });
    expect(statuses(ledger)).toEqual([
      'failed',
      'unknown',
      'failed',
      'failed',
      'failed',
    ]);
    expect(ledger.results()[2]?.message).toContain('limit of 128');
  });
});

describe('groupByImage', () => {
  it('groups pairs in input order', () => {
    const ledger = new Ledger(
      REGION,
      [OTHER_IMAGE_ID, IMAGE_ID],
      [project(1), project(2)],
    );
    const groups = groupByImage([...ledger.pairs].reverse());
    expect([...groups.keys()]).toEqual([IMAGE_ID, OTHER_IMAGE_ID]);
    expect(groups.get(IMAGE_ID)?.map((p) => p.target.id)).toEqual([
      project(2).id,
      project(1).id,
    ]);
  });
});

describe('readImageFacts read failures', () => {
  const readError = new NetworkError(
    `Failed to read image ${IMAGE_ID} (GET /v2/cloudimages): network error ECONNRESET.`,
    {
      code: 'ECONNRESET',
      context: { method: 'GET', path: '/v2/cloudimages', operation: 'read' },
      mayHaveReachedServer: true,
    },
  );
  const ims = {
    showImage: (id: string) =>
      id === IMAGE_ID
        ? Promise.reject(readError)
        : Promise.resolve(image({ id })),
    listImageMembers: () => Promise.resolve([]),
  } as unknown as ImsClient;
  const signal = new AbortController().signal;

  it('keeps the error of the image that failed', async () => {
    const facts = await readImageFacts(
      ims,
      [IMAGE_ID, OTHER_IMAGE_ID],
      OWNER,
      2,
      signal,
    );
    expect(facts.get(IMAGE_ID)?.readError).toBe(readError);
    expect(facts.get(OTHER_IMAGE_ID)?.readError).toBeUndefined();
    expect(facts.get(OTHER_IMAGE_ID)?.image?.id).toBe(OTHER_IMAGE_ID);
  });

  it('skips only the pairs of that image', async () => {
    const ledger = new Ledger(REGION, [IMAGE_ID, OTHER_IMAGE_ID], [project(1)]);
    const facts = await readImageFacts(
      ims,
      [IMAGE_ID, OTHER_IMAGE_ID],
      OWNER,
      2,
      signal,
    );
    applyPreflight(ledger, facts, {
      projectId: OWNER,
      region: REGION,
      cloud: CLOUDS.huaweicloud,
    });
    const [failedRead] = ledger.results();
    expect(failedRead?.status).toBe('skipped');
    expect(failedRead?.error_code).toBe('ECONNRESET');
    expect(failedRead?.message).toBe(`Not attempted: ${readError.message}`);
    expect(ledger.open().map((pair) => pair.imageId)).toEqual([OTHER_IMAGE_ID]);
  });
});
