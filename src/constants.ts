/** Names and fixed values used across the action, declared once. */

/** Input names, as declared in action.yml. */
export const Inputs = {
  ImageIds: 'image-ids',
  ImageNames: 'image-names',
  PackerManifest: 'packer-manifest',
  PackerManifestRuns: 'packer-manifest-runs',
  ProjectIds: 'project-ids',
  DomainIds: 'domain-ids',
  OrganizationUrns: 'organization-urns',
  Regions: 'regions',
  Operation: 'operation',
  VaultId: 'vault-id',
  WaitForAcceptance: 'wait-for-acceptance',
  DryRun: 'dry-run',
  Region: 'region',
  Cloud: 'cloud',
  ProjectId: 'project-id',
  AccessKey: 'access-key',
  SecretKey: 'secret-key',
  SecurityToken: 'security-token',
  AuthToken: 'auth-token',
  UserName: 'user-name',
  Password: 'password',
  DomainName: 'domain-name',
  IdentityProvider: 'identity-provider',
  Agency: 'agency',
  Audience: 'audience',
  StsEndpoint: 'sts-endpoint',
  ImsEndpoint: 'ims-endpoint',
  IamEndpoint: 'iam-endpoint',
  Wait: 'wait',
  Timeout: 'timeout',
  OnInvalid: 'on-invalid',
  ImagesPerRequest: 'images-per-request',
  TargetsPerRequest: 'targets-per-request',
  Concurrency: 'concurrency',
  RetryMaxAttempts: 'retry-max-attempts',
  RequestTimeout: 'request-timeout',
  UnknownOutcomeWait: 'unknown-outcome-wait',
} as const;

/** Output names, as declared in action.yml. */
export const Outputs = {
  JobId: 'job-id',
  Status: 'status',
  Results: 'results',
  ResultsFile: 'results-file',
  SharedCount: 'shared-count',
  FailedCount: 'failed-count',
} as const;

/** Keys for `core.saveState`, read by nothing yet but kept for a post step. */
export const State = {
  JobIds: 'job-ids',
} as const;

/** Job states of `GET /v1/{project_id}/jobs/{job_id}` (IMS ShowJob), upper case as documented. */
export const JobStatus = {
  Init: 'INIT',
  Running: 'RUNNING',
  Success: 'SUCCESS',
  Fail: 'FAIL',
} as const;

/** Request header names of the Huawei Cloud API gateway. */
export const Headers = {
  ProjectId: 'X-Project-Id',
  AuthToken: 'X-Auth-Token',
  SecurityToken: 'X-Security-Token',
  SdkDate: 'X-Sdk-Date',
  RequestId: 'x-request-id',
  SubjectToken: 'x-subject-token',
} as const;

/**
 * The largest `results` output written inline, in UTF-16 code units.
 * GitHub allows 1 MB of outputs per job, measured roughly in UTF-16, so a
 * larger array goes to `results-file` only.
 */
export const MAX_INLINE_RESULTS_CHARS = 400_000;

/** GitHub shows at most 10 error annotations per step. */
export const MAX_ERROR_ANNOTATIONS = 10;

/** Rows of the job summary's pair table; the rest are in `results-file`. */
export const MAX_SUMMARY_ROWS = 300;

/**
 * Pairs listed one per line in the log; the rest are in `results-file`.
 * The cap also bounds memory: the runner reads the log through a pipe, and
 * lines written faster than it reads wait in the process.
 */
export const MAX_LOGGED_PAIRS = 1000;

/** Page size for member listings; the documented maximum is 1000. */
export const MEMBER_PAGE_LIMIT = 500;
