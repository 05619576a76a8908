/** A thin client of the IAM calls the action uses. */

import { Inputs } from '../constants.js';
import { InputError } from '../errors.js';
import type { Transport } from './transport.js';

interface ProjectList {
  projects?: { id: string; name: string }[];
}

export class IamClient {
  readonly #transport: Transport;
  readonly #endpoint: URL;

  constructor(transport: Transport, endpoint: URL) {
    this.#transport = transport;
    this.#endpoint = endpoint;
  }

  /**
   * Looks up the caller's project of a region by name
   * (`GET /v3/projects?name={region}`, IAM KeystoneListProjects).
   * Zero or several matches are an `InputError` for `input`. Its message
   * names `where` as the place to set the project ID, such as "input project-id".
   */
  async findProjectId(
    region: string,
    signal: AbortSignal,
    input: string = Inputs.ProjectId,
    where = `input ${Inputs.ProjectId}`,
  ): Promise<string> {
    const base = this.#endpoint.pathname.replace(/\/$/, '');
    const url = new URL(`${base}/v3/projects`, this.#endpoint);
    url.searchParams.set('name', region);
    const response = await this.#transport.send<ProjectList>(
      {
        method: 'GET',
        url,
        operation: `look up the project of region ${region}`,
        idempotent: true,
      },
      signal,
    );
    const projects = (response.body?.projects ?? []).filter(
      (project) => project.name === region,
    );
    const [project] = projects;
    if (project === undefined) {
      throw new InputError(
        input,
        `IAM lists no project named ${region} for these credentials. Set ${where} to the ID of the project that owns the images.`,
      );
    }
    if (projects.length > 1) {
      throw new InputError(
        input,
        `IAM lists ${projects.length} projects named ${region} (${projects.map((p) => p.id).join(', ')}). Set ${where} to the one that owns the images.`,
      );
    }
    return project.id.toLowerCase();
  }
}
