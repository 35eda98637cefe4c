import { tooManyRequests } from '@/lib/apimachinery/errors.ts';
import { clientIp } from '@/lib/http/client-ip.ts';
import { RateLimiter } from '@/lib/http/rate-limit.ts';

// The public voting routes are rate-limited per client address: invite codes are not to be guessed, nor proofs
// checked without end by anyone.
const limiter = new RateLimiter(5, 30);

export function limitVoter(req: Request) {
  const decision = limiter.take(`voting:${clientIp(req.headers) ?? 'unknown'}`);
  if (!decision.allowed)
    throw tooManyRequests(`too many requests; retry after ${decision.retryAfterSeconds} s`, decision.retryAfterSeconds);
}
