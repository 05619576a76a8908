/**
 * End-to-end: the whole sharing lifecycle with the bundled action: account
 * and organization targets, unshare, accept, reject, waiting for
 * acceptance, dry runs, image names, Packer manifests and several regions.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startEmulator, type Emulator } from '../../emulator/index.js';
import {
  IMAGES,
  OWNER_ACCOUNT,
  OWNER_KEY,
  PARTNER_ACCOUNT,
  PARTNER_KEY,
  REGION,
  TARGETS,
  baseInputs,
} from './fixtures.js';
import type { PairResult } from '../../src/share/ledger.js';
import { parseResults, runAction, type ActionRun } from './run-action.js';

const ORGANIZATION = `organizations::${PARTNER_ACCOUNT}:organization:o-7k2d9q`;

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({ port: 0 });
  emulator.updateSettings({ jobDurationMs: 200 });
});

afterEach(async () => {
  await emulator.close();
});

function results(run: ActionRun): PairResult[] {
  return parseResults(run.outputs);
}

function share(extra: Record<string, string>): Promise<ActionRun> {
  return runAction({ inputs: { ...baseInputs(emulator.url), ...extra } });
}

/** Inputs of the partner project, which receives the shares. */
function partnerInputs(extra: Record<string, string>): Record<string, string> {
  return {
    region: REGION,
    'ims-endpoint': emulator.url,
    'iam-endpoint': emulator.url,
    'project-id': TARGETS.partner,
    'access-key': PARTNER_KEY.ak,
    'secret-key': PARTNER_KEY.sk,
    timeout: '60s',
    ...extra,
  };
}

describe('targets', () => {
  it('shares with an account and an organization', async () => {
    const run = await share({
      'image-ids': IMAGES.web,
      'domain-ids': PARTNER_ACCOUNT,
      'organization-urns': ORGANIZATION,
    });
    expect(run.exitCode).toBe(0);
    expect(
      results(run).map((r) => [r.target_type, r.target_id, r.status]),
    ).toEqual([
      ['domain', PARTNER_ACCOUNT, 'success'],
      ['organization', ORGANIZATION, 'success'],
    ]);
    const members = emulator.getMembers(IMAGES.web);
    expect(members.map((m) => m.memberType).sort()).toEqual([
      'domain',
      'organization',
    ]);
  });

  it('rejects a malformed organization URN', async () => {
    const run = await share({
      'image-ids': IMAGES.web,
      'organization-urns': 'o-7k2d9q',
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('Input organization-urns contains "o-7k2d9q"');
    expect(emulator.requests).toHaveLength(0);
  });
});

describe('operations', () => {
  it('stops sharing, then finds nothing to remove', async () => {
    await share({
      'image-ids': IMAGES.web,
      'project-ids': `${TARGETS.partner}\n${TARGETS.other}`,
    });
    const first = await share({
      operation: 'unshare',
      'image-ids': IMAGES.web,
      'project-ids': TARGETS.partner,
    });
    expect(first.exitCode).toBe(0);
    expect(results(first).map((r) => r.status)).toEqual(['success']);
    expect(emulator.getMembers(IMAGES.web).map((m) => m.memberId)).toEqual([
      TARGETS.other,
    ]);
    const second = await share({
      operation: 'unshare',
      'image-ids': IMAGES.web,
      'project-ids': TARGETS.partner,
    });
    expect(second.exitCode).toBe(0);
    expect(results(second).map((r) => r.status)).toEqual(['not-shared']);
    expect(second.outputs['job-id']).toBe('');
  });

  it('accepts with the receiving project, once', async () => {
    await share({
      'image-ids': `${IMAGES.web}\n${IMAGES.database}`,
      'project-ids': TARGETS.partner,
    });
    const accept = await runAction({
      inputs: partnerInputs({
        operation: 'accept',
        'image-ids': `${IMAGES.web}\n${IMAGES.database}`,
      }),
    });
    expect(accept.exitCode).toBe(0);
    const list = results(accept);
    expect(list.map((r) => [r.target_id, r.status, r.member_status])).toEqual([
      [TARGETS.partner, 'success', 'accepted'],
      [TARGETS.partner, 'success', 'accepted'],
    ]);
    expect(emulator.getMembers(IMAGES.web)[0]?.status).toBe('accepted');
    const again = await runAction({
      inputs: partnerInputs({ operation: 'accept', 'image-ids': IMAGES.web }),
    });
    expect(again.exitCode).toBe(0);
    expect(results(again)[0]?.status).toBe('already-shared');
  });

  it('rejects a share and reports an image never shared', async () => {
    await share({ 'image-ids': IMAGES.web, 'project-ids': TARGETS.partner });
    const reject = await runAction({
      inputs: partnerInputs({
        operation: 'reject',
        'image-ids': `${IMAGES.web}\n${IMAGES.database}`,
      }),
    });
    expect(reject.exitCode).toBe(0);
    expect(results(reject).map((r) => r.status)).toEqual([
      'success',
      'not-shared',
    ]);
    expect(emulator.getMembers(IMAGES.web)[0]?.status).toBe('rejected');
  });

  it('rejects targets for accept', async () => {
    const run = await runAction({
      inputs: partnerInputs({
        operation: 'accept',
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.other,
      }),
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('Operation accept takes no targets');
  });
});

describe('acceptance', () => {
  it('waits until the target accepts', async () => {
    let accepted: Promise<ActionRun> | undefined;
    const run = await runAction({
      inputs: {
        ...baseInputs(emulator.url),
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
        'wait-for-acceptance': 'true',
      },
      onSpawn: () => {
        const poll = setInterval(() => {
          if (
            emulator.getMembers(IMAGES.web).length > 0 &&
            accepted === undefined
          ) {
            clearInterval(poll);
            accepted = runAction({
              inputs: partnerInputs({
                operation: 'accept',
                'image-ids': IMAGES.web,
              }),
            });
          }
        }, 50);
      },
      killAfterMs: 30_000,
    });
    expect((await accepted)?.exitCode).toBe(0);
    expect(run.exitCode).toBe(0);
    expect(results(run)[0]?.member_status).toBe('accepted');
  });

  it('times out when nobody accepts', async () => {
    const run = await share({
      'image-ids': IMAGES.web,
      'project-ids': TARGETS.partner,
      'wait-for-acceptance': 'true',
      timeout: '3s',
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.status).toBe('timed-out');
    const [result] = results(run);
    expect(result?.status).toBe('success');
    expect(result?.member_status).toBe('pending');
    expect(result?.message).toContain('Not accepted before the timeout');
  });
});

describe('plans', () => {
  it('reports the plan of a dry run', async () => {
    await share({ 'image-ids': IMAGES.web, 'project-ids': TARGETS.partner });
    const jobsBefore = emulator.jobs().length;
    const run = await share({
      'dry-run': 'true',
      'image-ids': `${IMAGES.web}\n${IMAGES.encrypted}`,
      'project-ids': `${TARGETS.partner}\n${TARGETS.other}`,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      'the dry run found 2 pair(s) that cannot be done',
    );
    expect(run.outputs.status).toBe('planned');
    expect(results(run).map((r) => r.status)).toEqual([
      'already-shared',
      'planned',
      'failed',
      'failed',
    ]);
    expect(emulator.jobs()).toHaveLength(jobsBefore);
    expect(run.summary).toContain('IMS share: planned');
  });

  it('takes image IDs from a Packer manifest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'packer-'));
    const manifest = join(dir, 'packer-manifest.json');
    await writeFile(
      manifest,
      JSON.stringify({
        builds: [
          {
            name: 'old',
            builder_type: 'huaweicloud-ecs',
            artifact_id: IMAGES.dataDisk,
            packer_run_uuid: 'run-1',
          },
          {
            name: 'new',
            builder_type: 'huaweicloud-ecs',
            artifact_id: `${IMAGES.web};${IMAGES.database}`,
            packer_run_uuid: 'run-2',
          },
        ],
        last_run_uuid: 'run-2',
      }),
    );
    try {
      const run = await share({
        'packer-manifest': manifest,
        'project-ids': TARGETS.partner,
      });
      expect(run.exitCode).toBe(0);
      expect(results(run).map((r) => r.image_id)).toEqual([
        IMAGES.web,
        IMAGES.database,
      ]);
      const all = await share({
        'packer-manifest': manifest,
        'packer-manifest-runs': 'all',
        'project-ids': TARGETS.partner,
      });
      expect(results(all).map((r) => [r.image_id, r.status])).toEqual([
        [IMAGES.dataDisk, 'success'],
        [IMAGES.web, 'already-shared'],
        [IMAGES.database, 'already-shared'],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('resolves image names to the owner images', async () => {
    const run = await share({
      'image-names': 'demo-web-server',
      'image-ids': IMAGES.database,
      'project-ids': TARGETS.partner,
    });
    expect(run.exitCode).toBe(0);
    expect(results(run).map((r) => r.image_id)).toEqual([
      IMAGES.database,
      IMAGES.web,
    ]);
  });

  it('rejects an ambiguous image name', async () => {
    emulator.addImage({
      id: '7d3c1a52-9b1e-4c55-a0a2-2f7f6c1d9e01',
      name: 'demo-web-server',
      owner: '988f29eec663aaaa8f503baf49d24fc7',
    });
    const run = await share({
      'image-names': 'demo-web-server',
      'project-ids': TARGETS.partner,
    });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(
      '2 images of this project in ap-southeast-1 are named "demo-web-server"',
    );
    expect(run.stdout).toContain(IMAGES.web);
    expect(emulator.jobs()).toHaveLength(0);
  });

  it('works in several regions in one step', async () => {
    const ownSecondProject = '5e1f3b2a9c8d4e7f6a5b4c3d2e1f0a9b';
    emulator.addProject({
      id: ownSecondProject,
      name: 'ap-southeast-3',
      region: 'ap-southeast-3',
      accountId: OWNER_ACCOUNT,
    });
    const copy = 'c0ffee00-1234-4abc-8def-0123456789ab';
    emulator.addImage({
      id: copy,
      name: 'demo-web-server',
      owner: ownSecondProject,
    });
    const inputs = baseInputs(emulator.url);
    const run = await runAction({
      inputs: {
        ...inputs,
        'image-ids': IMAGES.web,
        'project-ids': TARGETS.partner,
        'domain-ids': PARTNER_ACCOUNT,
        regions: JSON.stringify({
          'ap-southeast-3': {
            'image-ids': [copy],
            'project-ids': [TARGETS.otherRegion],
          },
        }),
      },
      env: { HUAWEICLOUD_SDK_AK: OWNER_KEY.ak },
    });
    expect(run.exitCode).toBe(0);
    expect(
      results(run).map((r) => [r.region, r.image_id, r.target_id, r.status]),
    ).toEqual([
      ['ap-southeast-1', IMAGES.web, TARGETS.partner, 'success'],
      ['ap-southeast-1', IMAGES.web, PARTNER_ACCOUNT, 'success'],
      ['ap-southeast-3', copy, TARGETS.otherRegion, 'success'],
      ['ap-southeast-3', copy, PARTNER_ACCOUNT, 'success'],
    ]);
    expect(run.stdout).toContain(
      `Project ID of ap-southeast-3 from IAM: ${ownSecondProject}`,
    );
    expect(emulator.getMembers(copy)).toHaveLength(2);
  });
});
