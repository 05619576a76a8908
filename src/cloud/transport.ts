import type { ApiRequest, ApiResponse } from '../http/types.js';

/** Sends one API request with retries; implemented by `HttpClient`. */
export interface Transport {
  send<T>(request: ApiRequest, signal: AbortSignal): Promise<ApiResponse<T>>;
}
