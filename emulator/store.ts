/**
 * In-memory state of the emulator with lookups by ID, access key and name.
 */
import type {
  Agency,
  IdentityProvider,
  IdTokenSource,
  IssuedCredential,
  RunnerIdToken,
} from './federation-types.js';
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

/** Scope of an IAM token. */
export type TokenScope = 'project' | 'domain' | 'unscoped';

/** IAM token issued by `POST /v3/auth/tokens` or an ID-token sign-in. */
export interface TokenRecord {
  token: string;
  accountId: string;
  userId: string;
  userName: string;
  scope: TokenScope;
  /** Project of a project-scoped token; null for other scopes. */
  projectId: string | null;
  /** Identity provider of a federated token; null for a password token. */
  identityProviderId: string | null;
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
  readonly identityProviders = new Map<string, IdentityProvider>();
  /** Agencies by URN. */
  readonly agencies = new Map<string, Agency>();
  /** Temporary keys issued by IAM and STS, oldest first. */
  readonly issuedCredentials: IssuedCredential[] = [];
  runnerIdToken: RunnerIdToken;
  /** Source set through the in-process API; null uses the built-in signer. */
  idTokenSource: IdTokenSource | null = null;
  settings: Settings;

  constructor(state: LoadedState) {
    this.settings = { ...defaultSettings(), ...state.settings };
    this.runnerIdToken = state.runnerIdToken;
    state.identityProviders.forEach((provider) =>
      this.identityProviders.set(provider.id, provider),
    );
    state.agencies.forEach((agency) => this.agencies.set(agency.urn, agency));
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

  /** Finds an identity provider by its URN. */
  providerByUrn(urn: string): IdentityProvider | undefined {
    return [...this.identityProviders.values()].find(
      (provider) => provider.urn === urn,
    );
  }

  /** Finds an account by its domain name. */
  accountByName(name: string): Account | undefined {
    return [...this.accounts.values()].find((account) => account.name === name);
  }
}
