import { ApiError } from '../apimachinery/errors.ts';
import type { LeaderServices, Platform } from '../platform.ts';

/** The leader's services, or a retryable 503 while this instance is not (yet) the leader. */
export function leaderServices(platform: Platform): LeaderServices {
  if (!platform.leader) {
    throw new ApiError(
      503,
      'ServiceUnavailable',
      'this is kept by the leader instance, which has not started yet; retry shortly',
      { retryAfterSeconds: 2 },
    );
  }
  return platform.leader;
}
