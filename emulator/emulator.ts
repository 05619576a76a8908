/**
 * In-process API: starts the emulator on a loopback port and exposes its
 * clock, settings, faults, request log and state for tests.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { EmulatorClock } from './clock.js';
import { FaultStore, type FaultCounts, type FaultSpec } from './faults.js';
import type { IdTokenSource, IssuedCredential } from './federation-types.js';
import { JobEngine } from './jobs.js';
import { ID_TOKEN_PATH } from './runner-token-handler.js';
import { createEmulatorServer, type RequestLogEntry } from './server.js';
import {
  parseImage,
  parseProject,
  parseState,
  type AccountInput,
  type ImageInput,
  type StateFile,
} from './state-file.js';
import { Store, type TokenRecord } from './store.js';
import { isoMillis } from './time-format.js';
import type {
  Account,
  Image,
  JobItem,
  JobStatus,
  JobType,
  Member,
  Project,
  Settings,
} from './types.js';
import { validateFault } from './validate-faults.js';
import { validateSettings } from './validate-settings.js';
import { StateError } from './validate.js';

/** Options of `startEmulator`. */
export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks a free port. */
  port?: number;
  /** Loopback address to listen on: `127.0.0.1` (default), `::1` or `localhost`. */
  host?: string;
  /** State to start from; the demo state when absent. */
  state?: StateFile;
  /** Emulator time at start, epoch ms; the real time when absent. */
  clockMs?: number;
  /** Emulator milliseconds per real millisecond; default 1. */
  timeScale?: number;
  /** Receives one line per request. */
  log?: (line: string) => void;
}

/** Job as the in-process API reports it. */
export interface JobSnapshot {
  id: string;
  type: JobType;
  projectId: string;
  status: JobStatus;
  beginMs: number;
  durationMs: number | null;
  items: JobItem[];
  errorCode: string | null;
  failReason: string | null;
}

/** Running emulator. */
export interface Emulator {
  /** Base URL such as `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly port: number;
  /** Request log, oldest first; the array grows while the emulator runs. */
  readonly requests: readonly RequestLogEntry[];
  /** Stops listening, destroys every socket and stops job timers. */
  close(): Promise<void>;
  /** Returns the emulator time in epoch ms. */
  now(): number;
  /** Sets the emulator time; it keeps advancing in real time. */
  setClock(ms: number): void;
  /** Moves the emulator time by `deltaMs`. */
  advanceClock(deltaMs: number): void;
  /** Sets emulator milliseconds per real millisecond. */
  setTimeScale(scale: number): void;
  /** Returns a copy of the settings. */
  settings(): Settings;
  /** Changes settings; raises StateError on an invalid value. */
  updateSettings(partial: Partial<Settings>): void;
  /** Adds a fault and returns its ID. */
  addFault(spec: FaultSpec): string;
  /** Removes faults not yet used up. */
  clearFaults(): void;
  /** Returns counts of injected faults. */
  faultCounts(): FaultCounts;
  /** Returns a copy of an image, or undefined. */
  getImage(imageId: string): Image | undefined;
  /** Returns a copy of an image's members; raises when the image is unknown. */
  getMembers(imageId: string): Member[];
  /** Adds an image (state-file form, defaults filled) and returns a copy. */
  addImage(image: ImageInput): Image;
  /** Adds a project of an existing account. */
  addProject(project: Project): Project;
  /** Adds an account. */
  addAccount(account: AccountInput): Account;
  /** Returns a job snapshot, or undefined. */
  getJob(jobId: string): JobSnapshot | undefined;
  /** Returns snapshots of all jobs, oldest first. */
  jobs(): JobSnapshot[];
  /** Changes a running job's duration; null makes it never finish. */
  setJobDuration(jobId: string, durationMs: number | null): void;
  /**
   * Value for `ACTIONS_ID_TOKEN_REQUEST_URL`: the runner ID-token endpoint,
   * with `?api-version=2.0` so that `getIDToken` can append `&audience=`.
   */
  readonly idTokenRequestUrl: string;
  /** Value for `ACTIONS_ID_TOKEN_REQUEST_TOKEN` (state `runnerIdToken.requestToken`). */
  readonly idTokenRequestToken: string;
  /**
   * Sets the function that issues runner ID tokens for an audience; null
   * returns to the built-in signer, which needs `runnerIdToken.privateKey`.
   */
  setIdTokenSource(source: IdTokenSource | null): void;
  /** Returns copies of the temporary keys issued by IAM and STS, oldest first. */
  issuedCredentials(): IssuedCredential[];
  /** Returns copies of the IAM tokens issued, oldest first. */
  tokens(): TokenRecord[];
}

const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];

/** Reads the bundled demo state. */
export function loadDemoState(): StateFile {
  const url = new URL('./demo-state.json', import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as StateFile;
}

/** Starts the emulator and resolves once it listens. */
export async function startEmulator(
  options: EmulatorOptions = {},
): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.includes(host)) {
    throw new StateError(
      `host: expected a loopback address (${LOOPBACK_HOSTS.join(', ')}), got ${host}`,
    );
  }
  const clock = new EmulatorClock(options.clockMs);
  if (options.timeScale !== undefined) {
    clock.setScale(options.timeScale);
  }

  const loaded = parseState(
    options.state ?? loadDemoState(),
    isoMillis(clock.now()),
  );
  const store = new Store(loaded);
  const faults = new FaultStore();
  loaded.faults.forEach((spec) => faults.add(spec));
  const jobs = new JobEngine(store, clock);
  const requests: RequestLogEntry[] = [];

  const { server, destroySockets } = createEmulatorServer({
    store,
    clock,
    jobs,
    faults,
    requests,
    ...(options.log ? { log: options.log } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });

  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '::1' ? '[::1]' : host;
  return buildApi(
    {
      url: `http://${urlHost}:${port}`,
      port,
      store,
      clock,
      jobs,
      faults,
      requests,
    },
    async () => {
      jobs.close();
      const closed = new Promise<void>((resolve) =>
        server.close(() => resolve()),
      );
      destroySockets();
      await closed;
    },
  );
}

interface Parts {
  url: string;
  port: number;
  store: Store;
  clock: EmulatorClock;
  jobs: JobEngine;
  faults: FaultStore;
  requests: RequestLogEntry[];
}

function buildApi(parts: Parts, close: () => Promise<void>): Emulator {
  const { store, clock, jobs, faults } = parts;
  const settle = (): void => jobs.settleDue();
  return {
    url: parts.url,
    port: parts.port,
    requests: parts.requests,
    close,
    now: () => clock.now(),
    setClock: (ms) => {
      clock.set(ms);
      settle();
    },
    advanceClock: (deltaMs) => {
      clock.advance(deltaMs);
      settle();
    },
    setTimeScale: (scale) => clock.setScale(scale),
    settings: () => ({ ...store.settings }),
    updateSettings: (partial) => {
      store.settings = {
        ...store.settings,
        ...validateSettings(partial, 'settings'),
      };
    },
    addFault: (spec) => faults.add(validateFault(spec, 'fault')),
    clearFaults: () => faults.clear(),
    faultCounts: () => faults.snapshot(),
    getImage: (imageId) => {
      settle();
      const image = store.images.get(imageId);
      return image ? structuredClone(image) : undefined;
    },
    getMembers: (imageId) => {
      settle();
      const image = store.images.get(imageId);
      if (!image) {
        throw new Error(`image ${imageId} not found`);
      }
      return structuredClone(image.members);
    },
    addImage: (input) => addImage(store, input, isoMillis(clock.now())),
    addProject: (input) => addProject(store, input),
    addAccount: (input) => addAccount(store, input),
    getJob: (jobId) => {
      settle();
      const job = store.jobs.get(jobId);
      return job ? snapshot(jobs, job) : undefined;
    },
    jobs: () => {
      settle();
      return [...store.jobs.values()].map((job) => snapshot(jobs, job));
    },
    setJobDuration: (jobId, durationMs) => jobs.setDuration(jobId, durationMs),
    idTokenRequestUrl: `${parts.url}${ID_TOKEN_PATH}?api-version=2.0`,
    idTokenRequestToken: store.runnerIdToken.requestToken,
    setIdTokenSource: (source) => {
      store.idTokenSource = source;
    },
    issuedCredentials: () => structuredClone(store.issuedCredentials),
    tokens: () => [...store.tokens.values()].map((token) => ({ ...token })),
  };
}

function snapshot(jobs: JobEngine, job: import('./types.js').Job): JobSnapshot {
  return {
    id: job.id,
    type: job.type,
    projectId: job.projectId,
    status: jobs.status(job),
    beginMs: job.beginMs,
    durationMs: job.durationMs,
    items: structuredClone(job.items),
    errorCode: job.errorCode,
    failReason: job.failReason,
  };
}

function addImage(store: Store, input: ImageInput, nowIso: string): Image {
  const image = parseImage(input, 'image', nowIso);
  if (store.images.has(image.id)) {
    throw new StateError(`image.id: duplicate ID ${image.id}`);
  }
  if (!store.projects.has(image.owner)) {
    throw new StateError(
      `image.owner: project ${image.owner} is not in projects`,
    );
  }
  store.images.set(image.id, image);
  return structuredClone(image);
}

function addProject(store: Store, input: Project): Project {
  const project = parseProject(input, 'project');
  if (store.projects.has(project.id)) {
    throw new StateError(`project.id: duplicate ID ${project.id}`);
  }
  if (!store.accounts.has(project.accountId)) {
    throw new StateError(
      `project.accountId: account ${project.accountId} is not in accounts`,
    );
  }
  store.projects.set(project.id, project);
  return { ...project };
}

function addAccount(store: Store, input: AccountInput): Account {
  const state = parseState(
    { accounts: [input], projects: [] },
    new Date(0).toISOString(),
  );
  const account = state.accounts[0]!;
  if (store.accounts.has(account.id)) {
    throw new StateError(`account.id: duplicate ID ${account.id}`);
  }
  for (const key of account.accessKeys) {
    if (store.findAccessKey(key.ak)) {
      throw new StateError(
        `account.accessKeys: duplicate access key ${key.ak}`,
      );
    }
  }
  store.accounts.set(account.id, account);
  return structuredClone(account);
}
