/**
 * In-memory state of the emulator with lookups by ID, access key and name.
 */
import type { LoadedState } from './state-file.js';
import { defaultSettings } from './settings.js';
import type {
  AccessKey,
  Account,
  Image,
  Job,
  Project,
  Settings,
} from './types.js';

/** IAM token issued by `POST /v3/auth/tokens`. */
export interface TokenRecord {
  token: string;
  accountId: string;
  userId: string;
  projectId: string;
  issuedMs: number;
  expiresMs: number;
}

/** Mutable emulator state. */
export class Store {
  readonly accounts = new Map<string, Account>();
  readonly projects = new Map<string, Project>();
  readonly images = new Map<string, Image>();
  readonly jobs = new Map<string, Job>();
  readonly tokens = new Map<string, TokenRecord>();
  settings: Settings;

  constructor(state: LoadedState) {
    this.settings = { ...defaultSettings(), ...state.settings };
    state.accounts.forEach((account) => this.accounts.set(account.id, account));
    state.projects.forEach((project) => this.projects.set(project.id, project));
    state.images.forEach((image) => this.images.set(image.id, image));
  }

  /** Finds an access key and its account. */
  findAccessKey(ak: string): { account: Account; key: AccessKey } | null {
    for (const account of this.accounts.values()) {
      const key = account.accessKeys.find((candidate) => candidate.ak === ak);
      if (key) {
        return { account, key };
      }
    }
    return null;
  }

  /** Lists the projects of an account. */
  projectsOf(accountId: string): Project[] {
    return [...this.projects.values()].filter(
      (project) => project.accountId === accountId,
    );
  }

  /** Returns the account that owns a project, or undefined. */
  accountOfProject(projectId: string): Account | undefined {
    const project = this.projects.get(projectId);
    return project ? this.accounts.get(project.accountId) : undefined;
  }

  /** Finds an account by its domain name. */
  accountByName(name: string): Account | undefined {
    return [...this.accounts.values()].find((account) => account.name === name);
  }
}
