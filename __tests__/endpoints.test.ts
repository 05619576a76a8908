import { describe, expect, it } from 'vitest';
import {
  CLOUDS,
  isLoopbackHost,
  parseEndpoint,
  resolveEndpoints,
} from '../src/cloud/endpoints.js';
import { InputError } from '../src/errors.js';
import type { CloudName } from '../src/inputs.js';
import { silentLogger, type Logger } from '../src/logger.js';

const NO_OVERRIDES = { ims: '', iam: '' };

/** Creates a logger that records every warning. */
function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug: () => {},
    info: () => {},
    warning: (message) => warnings.push(message),
  };
}

/** Runs `fn` and returns what it throws, or `undefined`. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('resolveEndpoints derived hosts', () => {
  it.each([
    [
      'huaweicloud',
      'ap-southeast-1',
      'ims.ap-southeast-1.myhuaweicloud.com',
      'iam.ap-southeast-1.myhuaweicloud.com',
    ],
    [
      'huaweicloud',
      'cn-north-4',
      'ims.cn-north-4.myhuaweicloud.com',
      'iam.cn-north-4.myhuaweicloud.com',
    ],
    [
      'huaweicloud-eu',
      'eu-west-101',
      'ims.eu-west-101.myhuaweicloud.eu',
      'iam.eu-west-101.myhuaweicloud.eu',
    ],
    [
      'otc',
      'eu-de',
      'ims.eu-de.otc.t-systems.com',
      'iam.eu-de.otc.t-systems.com',
    ],
    [
      'otc',
      'eu-nl',
      'ims.eu-nl.otc.t-systems.com',
      'iam.eu-nl.otc.t-systems.com',
    ],
    [
      'otc',
      'eu-ch2',
      'ims.eu-ch2.sc.otc.t-systems.com',
      'iam-pub.eu-ch2.sc.otc.t-systems.com',
    ],
  ] as const)('derives %s %s hosts', (cloud, region, imsHost, iamHost) => {
    const endpoints = resolveEndpoints(
      cloud,
      region,
      NO_OVERRIDES,
      silentLogger,
    );
    expect(endpoints.cloud.name).toBe(cloud);
    expect(endpoints.ims.href).toBe(`https://${imsHost}/`);
    expect(endpoints.iam.href).toBe(`https://${iamHost}/`);
  });

  it.each(['huaweicloud', 'huaweicloud-eu', 'otc'] as const)(
    'derives https for every %s region',
    (cloud) => {
      for (const region of CLOUDS[cloud].regions ?? []) {
        const endpoints = resolveEndpoints(
          cloud,
          region,
          NO_OVERRIDES,
          silentLogger,
        );
        expect(endpoints.ims.protocol).toBe('https:');
        expect(endpoints.ims.hostname).toContain(region);
        expect(endpoints.iam.hostname).toContain(region);
      }
    },
  );
});

describe('resolveEndpoints region check', () => {
  it.each([
    ['huaweicloud', 'eu-de'],
    ['huaweicloud', 'eu-west-101'],
    ['huaweicloud-eu', 'ap-southeast-1'],
    ['otc', 'ap-southeast-1'],
  ] as const)('rejects %s region %s', (cloud, region) => {
    const error = thrownBy(() =>
      resolveEndpoints(cloud, region, NO_OVERRIDES, silentLogger),
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('region');
    expect((error as InputError).message).toContain(`"${region}"`);
    expect((error as InputError).message).toContain(
      `Its regions are: ${(CLOUDS[cloud].regions ?? []).join(', ')}.`,
    );
    expect((error as InputError).message).toContain('ims-endpoint');
  });

  it('skips check when both overridden', () => {
    const endpoints = resolveEndpoints(
      'huaweicloud',
      'xx-test-1',
      { ims: 'https://ims.xx-test-1.example.test', iam: 'https://iam.test' },
      silentLogger,
    );
    expect(endpoints.ims.hostname).toBe('ims.xx-test-1.example.test');
    expect(endpoints.iam.hostname).toBe('iam.test');
  });

  it('checks region with one override', () => {
    const error = thrownBy(() =>
      resolveEndpoints(
        'otc',
        'xx-test-1',
        { ims: 'https://ims.eu-de.otc.t-systems.com', iam: '' },
        silentLogger,
      ),
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('region');
  });

  it('keeps derived IAM with IMS override', () => {
    const endpoints = resolveEndpoints(
      'otc',
      'eu-de',
      { ims: 'https://ims-proxy.eu-de.otc.t-systems.com/v0', iam: '' },
      silentLogger,
    );
    expect(endpoints.ims.href).toBe(
      'https://ims-proxy.eu-de.otc.t-systems.com/v0',
    );
    expect(endpoints.iam.href).toBe('https://iam.eu-de.otc.t-systems.com/');
  });
});

describe('resolveEndpoints custom cloud', () => {
  it.each([
    ['both missing', '', '', 'ims-endpoint'],
    ['IMS missing', '', 'https://iam.example.test', 'ims-endpoint'],
    ['IAM missing', 'https://ims.example.test', '', 'iam-endpoint'],
  ])('requires both: %s', (_case, ims, iam, input) => {
    const error = thrownBy(() =>
      resolveEndpoints('custom', 'any-region-1', { ims, iam }, silentLogger),
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as InputError).message).toContain(
      'both ims-endpoint and iam-endpoint are required',
    );
  });

  it('accepts any region and host', () => {
    const logger = recordingLogger();
    const endpoints = resolveEndpoints(
      'custom',
      'xx-anywhere-9',
      { ims: 'https://ims.example.test', iam: 'https://iam.example.test' },
      logger,
    );
    expect(endpoints.ims.hostname).toBe('ims.example.test');
    expect(endpoints.iam.hostname).toBe('iam.example.test');
    expect(logger.warnings).toEqual([]);
  });
});

describe('parseEndpoint', () => {
  const huawei = CLOUDS.huaweicloud;

  it.each([
    'http://127.0.0.1:8080',
    'http://127.12.0.1',
    'http://localhost:9000/ims',
    'http://LOCALHOST',
    'http://[::1]:8443',
  ])('accepts loopback http %s', (value) => {
    const url = parseEndpoint('ims-endpoint', value, huawei, silentLogger);
    expect(url.protocol).toBe('http:');
  });

  it.each([
    'http://ims.ap-southeast-1.myhuaweicloud.com',
    'http://10.0.0.1',
    'http://0.0.0.0:8080',
    'http://localhost.example.test',
    'http://127.0.0.1.example.test',
    'http://[::ffff:127.0.0.1]',
    'ftp://ims.ap-southeast-1.myhuaweicloud.com',
    'ws://127.0.0.1',
  ])('rejects non-https %s', (value) => {
    const error = thrownBy(() =>
      parseEndpoint('ims-endpoint', value, huawei, silentLogger),
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('ims-endpoint');
    expect((error as InputError).message).toContain('must use https://');
  });

  it.each([
    'https://user:hunter2@ims.ap-southeast-1.myhuaweicloud.com',
    'https://user@ims.ap-southeast-1.myhuaweicloud.com',
    'https://:hunter2@ims.ap-southeast-1.myhuaweicloud.com',
    'http://user:hunter2@127.0.0.1:8080',
  ])('rejects user info in %s', (value) => {
    const error = thrownBy(() =>
      parseEndpoint('iam-endpoint', value, huawei, silentLogger),
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('iam-endpoint');
    expect((error as InputError).message).toContain('user name or password');
    expect((error as InputError).message).not.toContain('hunter2');
  });

  it.each([
    'https://ims.ap-southeast-1.myhuaweicloud.com/?region=x',
    'https://ims.ap-southeast-1.myhuaweicloud.com/v1?a=1',
    'https://ims.ap-southeast-1.myhuaweicloud.com/#top',
  ])('rejects query or fragment %s', (value) => {
    const error = thrownBy(() =>
      parseEndpoint('ims-endpoint', value, huawei, silentLogger),
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('ims-endpoint');
    expect((error as InputError).message).toContain('query string or fragment');
  });

  it.each(['not a url', 'ims.ap-southeast-1.myhuaweicloud.com', ''])(
    'rejects malformed URL %j',
    (value) => {
      const error = thrownBy(() =>
        parseEndpoint('ims-endpoint', value, huawei, silentLogger),
      );
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).input).toBe('ims-endpoint');
      expect((error as InputError).message).toContain('not a valid URL');
    },
  );
});

describe('parseEndpoint domain warning', () => {
  it.each([
    ['huaweicloud', 'https://ims.example.test'],
    ['huaweicloud', 'https://evilmyhuaweicloud.com'],
    ['huaweicloud', 'https://myhuaweicloud.com.example.test'],
    ['huaweicloud', 'https://ims.eu-west-101.myhuaweicloud.eu'],
    ['huaweicloud-eu', 'https://ims.eu-west-101.myhuaweicloud.com'],
    ['otc', 'https://ims.eu-de.t-systems.com'],
  ] as const)('warns for %s host %s', (cloud, value) => {
    const logger = recordingLogger();
    const url = parseEndpoint('ims-endpoint', value, CLOUDS[cloud], logger);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain(url.hostname);
    expect(logger.warnings[0]).toContain(CLOUDS[cloud].domain);
    expect(logger.warnings[0]).toContain('ims-endpoint');
  });

  it.each([
    ['huaweicloud', 'https://ims.ap-southeast-1.myhuaweicloud.com'],
    ['huaweicloud', 'https://IMS.AP-SOUTHEAST-1.MYHUAWEICLOUD.COM'],
    ['huaweicloud', 'https://myhuaweicloud.com'],
    ['huaweicloud-eu', 'https://iam.myhuaweicloud.eu'],
    ['otc', 'https://ims.eu-ch2.sc.otc.t-systems.com'],
    ['huaweicloud', 'http://127.0.0.1:8080'],
    ['custom', 'https://ims.example.test'],
  ] as const)('stays silent for %s host %s', (cloud, value) => {
    const logger = recordingLogger();
    parseEndpoint('ims-endpoint', value, CLOUDS[cloud], logger);
    expect(logger.warnings).toEqual([]);
  });

  it('warns through resolveEndpoints', () => {
    const logger = recordingLogger();
    resolveEndpoints(
      'huaweicloud' satisfies CloudName,
      'ap-southeast-1',
      { ims: 'https://ims.example.test', iam: '' },
      logger,
    );
    expect(logger.warnings).toHaveLength(1);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['LocalHost', true],
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['[::1]', true],
    ['::1', true],
    ['0.0.0.0', false],
    ['10.0.0.1', false],
    ['128.0.0.1', false],
    ['localhost.example.test', false],
    ['127.0.0.1.example.test', false],
    ['[::2]', false],
    ['example.test', false],
  ])('classifies %s as %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
