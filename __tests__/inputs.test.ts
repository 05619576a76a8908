import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Inputs } from '../src/constants.js';
import { InputError } from '../src/errors.js';
import {
  parseBoolean,
  parseDuration,
  parseImageIds,
  parseInteger,
  parseList,
  parseProjectIds,
  parseRegion,
  readInputs,
} from '../src/inputs.js';

const IMAGE_ID = 'd164b5df-1bc3-4c3f-893e-3e471fd16e64';
const OTHER_IMAGE_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const PROJECT_ID = '0123456789abcdef0123456789abcdef';
const OTHER_PROJECT_ID = 'fedcba9876543210fedcba9876543210';

/**
 * Max delay of Node timers, in ms. Node sets a longer `setTimeout` delay to
 * 1 ms (Node.js timers docs), and `AbortSignal.timeout` then fires at once.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Runs `fn` and returns what it throws, or `undefined`. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Awaits `promise` and returns what it rejects with, or `undefined`. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Builds a `getInput` over the required inputs plus `values`. */
function fakeGetInput(values: Record<string, string> = {}) {
  const all: Record<string, string> = {
    [Inputs.ImageIds]: IMAGE_ID,
    [Inputs.ProjectIds]: OTHER_PROJECT_ID,
    [Inputs.Region]: 'ap-southeast-1',
    ...values,
  };
  return (name: string): string => all[name] ?? '';
}

describe('parseList', () => {
  it.each([
    ['LF', 'a\nb\nc', ['a', 'b', 'c']],
    ['CRLF', 'a\r\nb\r\nc\r\n', ['a', 'b', 'c']],
    ['commas', 'a,b,c', ['a', 'b', 'c']],
    ['spaces', 'a b  c', ['a', 'b', 'c']],
    ['tabs', 'a\tb', ['a', 'b']],
    ['mixed separators', 'a, b\n c ,d', ['a', 'b', 'c', 'd']],
    ['comment lines', '# images\na\n# more\nb', ['a', 'b']],
    ['trailing comments', 'a # first\nb, c # rest', ['a', 'b', 'c']],
    ['blank lines', '\n\n  a  \n\n\nb\n', ['a', 'b']],
    ['duplicates', 'b\na\nb\na', ['b', 'a']],
    ['empty value', '', []],
    ['only a comment', '# nothing here', []],
    ['JSON array', '["a","b"]', ['a', 'b']],
    ['JSON with spaces', '  [ "a" , "b" ]  ', ['a', 'b']],
    ['JSON blanks and repeats', '["b"," ","a","b",""]', ['b', 'a']],
    ['JSON items trimmed', '[" a ","a"]', ['a']],
    ['empty JSON array', '[]', []],
  ])('splits %s', (_case, value, expected) => {
    expect(parseList('image-ids', value)).toEqual(expected);
  });

  it.each([
    ['unclosed array', '["a", "b"'],
    ['bare words', '[a, b]'],
    ['trailing comma', '["a",]'],
  ])('rejects invalid JSON: %s', (_case, value) => {
    const error = thrownBy(() => parseList('image-ids', value));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('image-ids');
    expect((error as InputError).message).toContain('not valid JSON');
    expect((error as InputError).message).toContain('one per line');
  });

  it.each([
    ['a number', '[1, "a"]'],
    ['null', '["a", null]'],
    ['a nested array', '[["a"]]'],
    ['an object', '[{"id": "a"}]'],
  ])('rejects JSON item that is %s', (_case, value) => {
    const error = thrownBy(() => parseList('project-ids', value));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('project-ids');
    expect((error as InputError).message).toContain('JSON array of strings');
  });
});

describe('parseList properties', () => {
  const idLike = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,35}$/);
  const separator = fc.constantFrom('\n', '\r\n', ',', ' ', ', ', '\t', ' ,\n');

  it('never returns blanks or duplicates', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (value) => {
        fc.pre(!value.trim().startsWith('['));
        const items = parseList('image-ids', value);
        expect(new Set(items).size).toBe(items.length);
        for (const item of items) {
          expect(item.trim()).toBe(item);
          expect(item).not.toBe('');
          expect(item).not.toMatch(/[\s,#]/);
        }
      }),
    );
  });

  it('round-trips joined ID sets', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(idLike, { maxLength: 12 }),
        fc.array(separator, { minLength: 13, maxLength: 13 }),
        fc.boolean(),
        (ids, separators, padEnds) => {
          const joined = ids
            .map((id, i) => (i === 0 ? id : `${separators[i]}${id}`))
            .join('');
          const value = padEnds
            ? `${separators[0]}${joined}${separators[12]}`
            : joined;
          expect(parseList('image-ids', value)).toEqual(ids);
        },
      ),
    );
  });

  it('matches the JSON array form', () => {
    fc.assert(
      fc.property(
        fc.array(idLike, { maxLength: 12 }),
        separator,
        (ids, sep) => {
          expect(parseList('image-ids', JSON.stringify(ids))).toEqual(
            parseList('image-ids', ids.join(sep)),
          );
        },
      ),
    );
  });
});

describe('parseDuration', () => {
  it.each([
    ['600', 600_000],
    ['1.5', 1_500],
    ['90s', 90_000],
    ['1.5s', 1_500],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2m30s', 150_000],
    ['1h0m0s', 3_600_000],
    [' 10m ', 600_000],
  ])('parses %j', (value, expected) => {
    expect(parseDuration('timeout', value)).toBe(expected);
  });

  it.each([
    '',
    '0',
    '0s',
    '0h0m',
    'abc',
    '10 m',
    '1.5m',
    '-5',
    '10M',
    '1d',
    'h',
    '1h30',
    '.5',
    '1e3',
    '30m1h',
  ])('rejects %j naming the input', (value) => {
    const error = thrownBy(() => parseDuration('timeout', value));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('timeout');
    expect((error as InputError).message).toContain('Input timeout');
    expect((error as InputError).message).toContain(`"${value.trim()}"`);
    expect((error as InputError).message).toContain('such as 90s');
  });

  it('rejects durations rounding to zero', () => {
    const error = thrownBy(() => parseDuration('timeout', '0.0004'));
    expect(error).toBeInstanceOf(InputError);
  });

  it('sums hours, minutes and seconds', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 1000 }),
        fc.nat({ max: 1000 }),
        fc.nat({ max: 100_000 }),
        (h, m, s) => {
          fc.pre(h + m + s > 0);
          expect(parseDuration('timeout', `${h}h${m}m${s}s`, Infinity)).toBe(
            (h * 3600 + m * 60 + s) * 1000,
          );
        },
      ),
    );
  });
});

describe('parseInteger', () => {
  it.each([
    ['4', 4],
    [' 7 ', 7],
    ['1', 1],
    ['32', 32],
    ['007', 7],
  ])('parses %j', (value, expected) => {
    expect(parseInteger('concurrency', value, 1, 32)).toBe(expected);
  });

  it.each(['0', '33', '1.5', '-1', 'four', '', '1e1'])(
    'rejects %j with the range',
    (value) => {
      const error = thrownBy(() => parseInteger('concurrency', value, 1, 32));
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).input).toBe('concurrency');
      expect((error as InputError).message).toContain('from 1 to 32');
    },
  );
});

describe('parseBoolean', () => {
  it.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    [' true ', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
  ])('parses %j', (value, expected) => {
    expect(parseBoolean('wait', value)).toBe(expected);
  });

  it.each(['yes', '1', 'on', 'tRUE', ''])('rejects %j', (value) => {
    const error = thrownBy(() => parseBoolean('wait', value));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('wait');
  });
});

describe('parseImageIds', () => {
  it('lower-cases upper-case IDs', () => {
    expect(parseImageIds('image-ids', [IMAGE_ID.toUpperCase()])).toEqual([
      IMAGE_ID,
    ]);
  });

  it.each([
    'not-an-id',
    'd164b5df1bc34c3f893e3e471fd16e64',
    'd164b5df-1bc3-4c3f-893e-3e471fd16e6',
    'g164b5df-1bc3-4c3f-893e-3e471fd16e64',
  ])('rejects %j naming input and value', (id) => {
    const error = thrownBy(() => parseImageIds('image-ids', [IMAGE_ID, id]));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('image-ids');
    expect((error as InputError).message).toContain('Input image-ids');
    expect((error as InputError).message).toContain(`"${id}"`);
  });
});

describe('parseProjectIds', () => {
  it('lower-cases upper-case IDs', () => {
    expect(parseProjectIds('project-ids', [PROJECT_ID.toUpperCase()])).toEqual([
      PROJECT_ID,
    ]);
  });

  it.each([
    'my-project',
    PROJECT_ID.slice(1),
    `${PROJECT_ID}0`,
    'g'.repeat(32),
    IMAGE_ID,
  ])('rejects %j naming input and value', (id) => {
    const error = thrownBy(() => parseProjectIds('project-ids', [id]));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('project-ids');
    expect((error as InputError).message).toContain('Input project-ids');
    expect((error as InputError).message).toContain(`"${id}"`);
  });
});

describe('parseRegion', () => {
  it.each([
    'ap-southeast-1',
    'eu-west-101',
    'eu-de',
    'eu-ch2',
    'cn-north-4',
    'my-kualalumpur-1',
  ])('accepts %s', (region) => {
    expect(parseRegion('region', region)).toBe(region);
  });

  it('trims the region', () => {
    expect(parseRegion('region', ' eu-de \n')).toBe('eu-de');
  });

  it.each([
    'Hong Kong',
    'AP-SOUTHEAST-1',
    'ap_southeast_1',
    'apsoutheast1',
    'ap-southeast-1-',
    'a-b',
    'ap-south-east-1-x',
    'https://ims.ap-southeast-1.myhuaweicloud.com',
  ])('rejects %j naming the value', (region) => {
    const error = thrownBy(() => parseRegion('region', region));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('region');
    expect((error as InputError).message).toContain(`"${region}"`);
    expect((error as InputError).message).toContain('such as ap-southeast-1');
  });

  it('requires a non-empty region', () => {
    const error = thrownBy(() => parseRegion('region', '  '));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toContain('is required');
  });
});

describe('readInputs', () => {
  it('applies defaults to unset inputs', async () => {
    const inputs = await readInputs(fakeGetInput());
    expect(inputs.imageIds).toEqual([IMAGE_ID]);
    expect(inputs.targets).toEqual([{ type: 'project', id: OTHER_PROJECT_ID }]);
    expect(inputs.region).toBe('ap-southeast-1');
    expect(inputs.cloud).toBe('huaweicloud');
    expect(inputs.projectId).toBeUndefined();
    expect(inputs.credentials).toMatchObject({
      accessKey: '',
      secretKey: '',
      securityToken: '',
      authToken: '',
    });
    expect(inputs.imsEndpoint).toBe('');
    expect(inputs.iamEndpoint).toBe('');
    expect(inputs.wait).toBe(true);
    expect(inputs.timeoutMs).toBe(600_000);
    expect(inputs.onInvalid).toBe('skip');
    expect(inputs.imagesPerRequest).toBe(100);
    expect(inputs.targetsPerRequest).toBe(100);
    expect(inputs.concurrency).toBe(4);
    expect(inputs.retryMaxAttempts).toBe(5);
    expect(inputs.requestTimeoutMs).toBe(30_000);
    expect(inputs.unknownOutcomeWaitMs).toBe(60_000);
  });

  it('reads every set input', async () => {
    const inputs = await readInputs(
      fakeGetInput({
        [Inputs.ImageIds]: `${IMAGE_ID.toUpperCase()}\n${OTHER_IMAGE_ID}`,
        [Inputs.ProjectIds]: `["${OTHER_PROJECT_ID}","${PROJECT_ID}"]`,
        [Inputs.Region]: 'eu-de',
        [Inputs.Cloud]: 'otc',
        [Inputs.ProjectId]: ` ${PROJECT_ID.toUpperCase()} `,
        [Inputs.AccessKey]: ' AK ',
        [Inputs.SecretKey]: ' SK\n',
        [Inputs.SecurityToken]: 'ST',
        [Inputs.ImsEndpoint]: ' https://ims.example.test ',
        [Inputs.IamEndpoint]: 'https://iam.example.test',
        [Inputs.Wait]: 'false',
        [Inputs.Timeout]: '1h',
        [Inputs.OnInvalid]: 'fail',
        [Inputs.ImagesPerRequest]: '10',
        [Inputs.TargetsPerRequest]: '20',
        [Inputs.Concurrency]: '2',
        [Inputs.RetryMaxAttempts]: '3',
        [Inputs.RequestTimeout]: '5s',
        [Inputs.UnknownOutcomeWait]: '2m',
      }),
    );
    expect(inputs.imageIds).toEqual([IMAGE_ID, OTHER_IMAGE_ID]);
    expect(inputs.targets).toEqual([
      { type: 'project', id: OTHER_PROJECT_ID },
      { type: 'project', id: PROJECT_ID },
    ]);
    expect(inputs.region).toBe('eu-de');
    expect(inputs.cloud).toBe('otc');
    expect(inputs.projectId).toBe(PROJECT_ID);
    expect(inputs.credentials).toMatchObject({
      accessKey: 'AK',
      secretKey: 'SK',
      securityToken: 'ST',
      authToken: '',
    });
    expect(inputs.imsEndpoint).toBe('https://ims.example.test');
    expect(inputs.iamEndpoint).toBe('https://iam.example.test');
    expect(inputs.wait).toBe(false);
    expect(inputs.timeoutMs).toBe(3_600_000);
    expect(inputs.onInvalid).toBe('fail');
    expect(inputs.imagesPerRequest).toBe(10);
    expect(inputs.targetsPerRequest).toBe(20);
    expect(inputs.concurrency).toBe(2);
    expect(inputs.retryMaxAttempts).toBe(3);
    expect(inputs.requestTimeoutMs).toBe(5_000);
    expect(inputs.unknownOutcomeWaitMs).toBe(120_000);
  });

  it.each([
    [Inputs.ImageIds, '', /No image given/],
    [Inputs.ImageIds, '# none', /No image given/],
    [Inputs.ImageIds, 'my-image', /UUIDs such as/],
    [Inputs.ImageIds, '["unclosed"', /JSON array of strings/],
    [Inputs.ProjectIds, '', /No target given/],
    [Inputs.ProjectIds, 'prod', /32 hexadecimal characters/],
    [Inputs.Region, '', /region ID of the images/],
    [Inputs.Region, 'Hong Kong', /not its display name/],
    [Inputs.Cloud, 'aws', /Use one of: huaweicloud, huaweicloud-eu, otc/],
    [Inputs.ProjectId, 'abc', /32 hexadecimal characters/],
    [Inputs.Wait, 'yes', /true or false/],
    [Inputs.Timeout, '0', /such as 90s, 10m or 1h30m/],
    [Inputs.OnInvalid, 'ignore', /"skip".*"fail"/],
    [Inputs.ImagesPerRequest, '0', /from 1 to 1000/],
    [Inputs.ImagesPerRequest, '1001', /from 1 to 1000/],
    [Inputs.TargetsPerRequest, 'all', /from 1 to 1000/],
    [Inputs.Concurrency, '33', /from 1 to 32/],
    [Inputs.RetryMaxAttempts, '0', /from 1 to 20/],
    [Inputs.RequestTimeout, 'never', /such as 90s/],
    [Inputs.UnknownOutcomeWait, '-1', /such as 90s/],
  ])('rejects %s %j with a fix', async (input, value, fix) => {
    const error = await rejectionOf(
      readInputs(fakeGetInput({ [input]: value })),
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as InputError).message).toContain(input);
    expect((error as InputError).message).toMatch(fix);
  });

  it('rejects request-timeout beyond timer range', async () => {
    const hours = Math.ceil(MAX_TIMER_MS / 3_600_000);
    const error = await rejectionOf(
      readInputs(fakeGetInput({ [Inputs.RequestTimeout]: `${hours}h` })),
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(Inputs.RequestTimeout);
  });
});

describe('readInputs with regions', () => {
  const entry = (images: string[], projects: string[]) =>
    JSON.stringify({
      'ap-southeast-1': { 'image-ids': images, 'project-ids': projects },
    });

  it('rejects a region given at top level and in regions', async () => {
    const error = await rejectionOf(
      readInputs(
        fakeGetInput({
          [Inputs.Regions]: entry([OTHER_IMAGE_ID], [PROJECT_ID]),
        }),
      ),
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(Inputs.Regions);
    expect((error as InputError).message).toContain(
      'Give the images and projects of ap-southeast-1 in one place',
    );
  });

  it('takes a region entry when region alone names it', async () => {
    const inputs = await readInputs(
      fakeGetInput({
        [Inputs.ImageIds]: '',
        [Inputs.ProjectIds]: '',
        [Inputs.DomainIds]: PROJECT_ID,
        [Inputs.Regions]: entry([OTHER_IMAGE_ID], [OTHER_PROJECT_ID]),
      }),
    );
    expect(inputs.regionPlans).toHaveLength(1);
    expect(inputs.regionPlans[0]?.imageIds).toEqual([OTHER_IMAGE_ID]);
    expect(inputs.regionPlans[0]?.targets).toEqual([
      { type: 'domain', id: PROJECT_ID },
      { type: 'project', id: OTHER_PROJECT_ID },
    ]);
  });

  it('keeps each region to its own pairs', async () => {
    const inputs = await readInputs(
      fakeGetInput({
        [Inputs.Regions]: JSON.stringify({
          'eu-de': {
            'image-ids': [OTHER_IMAGE_ID],
            'project-ids': [PROJECT_ID],
          },
        }),
      }),
    );
    expect(
      inputs.regionPlans.map((plan) => [
        plan.region,
        plan.imageIds,
        plan.targets.map((target) => target.id),
      ]),
    ).toEqual([
      ['ap-southeast-1', [IMAGE_ID], [OTHER_PROJECT_ID]],
      ['eu-de', [OTHER_IMAGE_ID], [PROJECT_ID]],
    ]);
  });
});

describe('readInputs combinations', () => {
  it.each([
    [
      { [Inputs.WaitForAcceptance]: 'true', [Inputs.Wait]: 'false' },
      Inputs.WaitForAcceptance,
      /Set wait to true/,
    ],
    [
      {
        [Inputs.WaitForAcceptance]: 'true',
        [Inputs.Operation]: 'unshare',
      },
      Inputs.WaitForAcceptance,
      /share only, not to unshare/,
    ],
    [
      { [Inputs.VaultId]: 'vault-1' },
      Inputs.VaultId,
      /not with operation share/,
    ],
    [
      { [Inputs.PackerManifestRuns]: 'some' },
      Inputs.PackerManifestRuns,
      /"last".*"all"/,
    ],
  ])('rejects %j', async (values, input, fix) => {
    const error = await rejectionOf(readInputs(fakeGetInput(values)));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as InputError).message).toMatch(fix);
  });
});
