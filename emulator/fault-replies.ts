import type { FaultAction } from './faults.js';
import type { Reply } from './reply.js';

/**
 * Builds the reply of a fault that replaces the response (throttle, flow
 * control, server error), or null for faults that do not.
 */
export function faultReply(action: FaultAction, nowMs: number): Reply | null {
  switch (action.kind) {
    case 'throttle':
      return throttleReply(action, nowMs);
    case 'flow-control':
      return {
        status: 400,
        body: {
          error: {
            code: 'IMG.0060',
            message:
              'The number of tasks exceeds the flow control limit. Try again later.',
          },
        },
      };
    case 'server-error':
      return {
        status: action.status,
        body: action.body ?? {
          error: {
            code: 'IMG.0061',
            message: 'An unknown system error occurred.',
          },
        },
      };
    default:
      return null;
  }
}

/**
 * Builds a 429 `APIGW.0308` reply ("The throttling threshold has been
 * reached", Huawei API signing guide error codes).
 */
function throttleReply(
  action: Extract<FaultAction, { kind: 'throttle' }>,
  nowMs: number,
): Reply {
  const headers: Record<string, string> = {};
  const retry = action.retryAfter;
  if (retry) {
    headers['Retry-After'] =
      retry.format === 'seconds'
        ? String(retry.seconds)
        : new Date(nowMs + retry.seconds * 1000).toUTCString();
  }
  return {
    status: 429,
    headers,
    body: {
      error_msg:
        'The throttling threshold has been reached: policy user over ratelimit,limit:200,time:1 second',
      error_code: 'APIGW.0308',
      request_id: '',
    },
  };
}
