/**
 * Public entry point of the IMS and IAM emulator for tests.
 */
export {
  loadDemoState,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type JobSnapshot,
} from './emulator.js';
export {
  ROUTE_NAMES,
  type FaultAction,
  type FaultCounts,
  type FaultKind,
  type FaultSpec,
  type RetryAfter,
  type RouteName,
  type RouteSelector,
} from './faults.js';
export type * from './federation-types.js';
export type { RequestLogEntry } from './server.js';
export { defaultSettings } from './settings.js';
export {
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  parseAuthorization,
  percentEncode,
  sha256Hex,
  signature,
  stringToSign,
} from './signing.js';
export type {
  AccountInput,
  ImageInput,
  MemberInput,
  StateFile,
} from './state-file.js';
export {
  providerUrn,
  type AgencyInput,
  type IdentityProviderInput,
  type RunnerIdTokenInput,
} from './state-federation.js';
export type { TokenRecord, TokenScope } from './store.js';
export { sdkDate } from './time-format.js';
export type * from './types.js';
export { StateError } from './validate.js';
