/** The demo state's identities, and inputs that share its images. */

import { loadDemoState } from '../../emulator/index.js';

const demo = loadDemoState();

/** The demo account's long-lived access key pair. */
export const OWNER_KEY = {
  ak: 'DEMOACCESSKEY0000001',
  sk: 'DEMOSECRETKEY0000000000000000000000000001',
};
export const OWNER_TEMP_KEY = {
  ak: 'DEMOTEMPACCESSKEY001',
  sk: 'DEMOTEMPSECRETKEY00000000000000000000001',
  token: 'demo-security-token-1',
};
export const OWNER_PROJECT = '988f29eec663aaaa8f503baf49d24fc7';
export const OWNER_ACCOUNT = '661a247ff911916374f72c9033c828c7';
/** The partner account, which owns the TARGETS.partner project. */
export const PARTNER_KEY = {
  ak: 'PARTNERACCESSKEY0001',
  sk: 'PARTNERSECRETKEY000000000000000000000001',
};
export const PARTNER_ACCOUNT = '8f33092299cb4d5662b38fd3f8d7bbf4';
export const REGION = 'ap-southeast-1';

export const IMAGES = {
  web: '2c17be40-4fdc-4c8d-8352-e4bd386e0594',
  database: '55a17bbb-4ea5-4078-9e6e-f2289dc3af50',
  dataDisk: '02da1367-2b7d-4c44-b0d1-8476a3e619e6',
  encrypted: '29414300-935a-4173-9c8a-87811d3135c1',
  publicImage: 'bdac8b63-b217-41d0-96bb-e23b8fbefb3c',
};

export const TARGETS = {
  partner: 'a9eec085e6908d782981adae828114ab',
  other: '62b049ad04f0ce4a07cb0fc9e887099e',
  otherRegion: '39b28dcfb801c756e4a82a0977592fd2',
};

// Fail early when the demo state drifts from the constants above.
for (const id of Object.values(IMAGES)) {
  if (!demo.images?.some((image) => image.id === id)) {
    throw new Error(`The demo state has no image ${id}.`);
  }
}

/** Inputs that share with the emulator at `url`, signed with the owner's key. */
export function baseInputs(url: string): Record<string, string> {
  return {
    region: REGION,
    'ims-endpoint': url,
    'iam-endpoint': url,
    'project-id': OWNER_PROJECT,
    'access-key': OWNER_KEY.ak,
    'secret-key': OWNER_KEY.sk,
    timeout: '60s',
  };
}
