import { Clock } from '../lib/clock';
import { DomainError } from '../domain/errors';

/**
 * What account-info reports as ApiCallsRemaining when the limit is 0 (unlimited): Int32.MaxValue.
 * why: the vendor's property is typed Int32 and clients parse it as a number; the largest one reads as "no limit".
 */
export const UNLIMITED_API_CALLS = 2_147_483_647;

/** Limits of the usage guard. */
export interface UsageLimits {
  /** API calls allowed per account per hour (0 = unlimited). */
  callsPerHour: number;
}

/**
 * Per-account API call quota (fixed hourly window), kept in this process's memory (logins: see LoginThrottle).
 * why: the vendor capped API use per account per hour and answered ERROR_APIUSAGE_EXCEEDED; with N processes behind a
 * balancer each enforces its own share (document: set the limit per process to total / N).
 */
export class UsageGuard {
  private readonly calls = new Map<number, { window: number; n: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: UsageLimits,
  ) {}

  /** Counts one API call of an account; throws APIUSAGE_EXCEEDED once the hourly quota is used up. */
  hit(accountId: number): void {
    if (!this.limits.callsPerHour) return;
    const window = Math.floor(this.clock.now() / 3_600_000);
    const c = this.calls.get(accountId);
    if (!c || c.window !== window) {
      this.calls.set(accountId, { window, n: 1 });
      if (this.calls.size > 100_000) this.prune(window);
      return;
    }
    c.n++;
    if (c.n > this.limits.callsPerHour) throw new DomainError('APIUSAGE_EXCEEDED');
  }

  /** API calls the account has left in the current hour (this call counted); UNLIMITED_API_CALLS without a limit. */
  remaining(accountId: number): number {
    if (!this.limits.callsPerHour) return UNLIMITED_API_CALLS;
    const window = Math.floor(this.clock.now() / 3_600_000);
    const c = this.calls.get(accountId);
    const used = c && c.window === window ? c.n : 0;
    return Math.max(0, this.limits.callsPerHour - used);
  }

  private prune(window: number): void {
    for (const [k, v] of this.calls) if (v.window !== window) this.calls.delete(k);
  }
}
