import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  loadDemoState,
  startEmulator,
  StateError,
} from '../../emulator/index.js';
import { signedRequest } from './client.js';
import { testState } from './fixtures.js';

describe('state file validation', () => {
  it('names invalid project field', async () => {
    const state = testState();
    state.projects[1] = { ...state.projects[1]!, id: 'short' };
    await expect(startEmulator({ state })).rejects.toThrow(
      'projects[1].id: expected 32 lower-case hex digits, got "short"',
    );
  });

  it('names unknown image owner', async () => {
    const state = testState();
    state.images![0] = {
      ...state.images![0]!,
      owner: 'ffffffffffffffffffffffffffffffff',
    };
    await expect(startEmulator({ state })).rejects.toThrow(
      'images[0].owner: project',
    );
  });

  it('names unknown field', async () => {
    const state = { ...testState(), extra: 1 };
    await expect(startEmulator({ state })).rejects.toThrow(
      'state.extra: unknown field',
    );
  });

  it('names invalid setting', async () => {
    await expect(
      startEmulator({ state: testState({ memberLimit: 0 }) }),
    ).rejects.toThrow('settings.memberLimit');
  });

  it('names invalid fault', async () => {
    const state = {
      ...testState(),
      faults: [{ route: 'listImages', action: { kind: 'drop' } }],
    };
    await expect(
      startEmulator({ state: state as never }),
    ).rejects.toBeInstanceOf(StateError);
  });

  it('rejects non-loopback host', async () => {
    await expect(startEmulator({ host: '0.0.0.0' })).rejects.toThrow(
      'loopback',
    );
  });

  it('loads faults from state', async () => {
    const state = {
      ...testState(),
      faults: [
        {
          route: 'listImages' as const,
          action: { kind: 'flow-control' as const },
        },
      ],
    };
    const emulator = await startEmulator({ port: 0, state });
    try {
      const { OWNER } = await import('./fixtures.js');
      const response = await signedRequest(emulator.url, OWNER, {
        method: 'GET',
        path: '/v2/cloudimages',
      });
      expect(response.json.error.code).toBe('IMG.0060');
    } finally {
      await emulator.close();
    }
  });
});

describe('demo state', () => {
  it('starts with demo state', async () => {
    const emulator = await startEmulator({ port: 0 });
    try {
      const demo = loadDemoState();
      const account = demo.accounts[0]!;
      const project = demo.projects.find(
        (item) => item.accountId === account.id,
      )!;
      const response = await signedRequest(
        emulator.url,
        {
          ak: account.accessKeys![0]!.ak,
          sk: account.accessKeys![0]!.sk,
          projectId: project.id,
        },
        { method: 'GET', path: '/v2/cloudimages' },
      );
      expect(response.status).toBe(200);
      expect(response.json.images.length).toBeGreaterThanOrEqual(4);
    } finally {
      await emulator.close();
    }
  });

  it('lists schema properties', () => {
    const schema = JSON.parse(
      readFileSync(
        new URL('../../emulator/state.schema.json', import.meta.url),
        'utf8',
      ),
    );
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        'accounts',
        'projects',
        'images',
        'settings',
        'faults',
      ]),
    );
  });
});
