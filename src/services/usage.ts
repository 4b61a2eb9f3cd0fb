import { Clock } from '../lib/clock';
import { DomainError } from '../domain/errors';

/** Limits of the usage guard. */
export interface UsageLimits {
  /** API calls allowed per account per hour (0 = unlimited). */
  callsPerHour: number;
  /** Failed logins allowed per username within loginWindowMs before further attempts are refused. */
  loginFailures: number;
  loginWindowMs: number;
}

/**
 * Per-account API call quota (fixed hourly window) and per-username login throttling, kept in this process's memory.
 * why: the vendor capped API use per account per hour and answered ERROR_APIUSAGE_EXCEEDED; with N processes behind a
 * balancer each enforces its own share (document: set the limit per process to total / N).
 */
export class UsageGuard {
  private readonly calls = new Map<number, { window: number; n: number }>();
  private readonly failures = new Map<string, { since: number; n: number }>();

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

  /** Throws LOGIN_THROTTLED while a username has too many recent failed logins. */
  checkLogin(username: string): void {
    const f = this.failures.get(username.toLowerCase());
    if (f && this.clock.now() - f.since < this.limits.loginWindowMs && f.n >= this.limits.loginFailures) {
      throw new DomainError('LOGIN_THROTTLED');
    }
  }

  /** Records a failed login of a username. */
  loginFailed(username: string): void {
    const key = username.toLowerCase();
    const now = this.clock.now();
    const f = this.failures.get(key);
    if (!f || now - f.since >= this.limits.loginWindowMs) this.failures.set(key, { since: now, n: 1 });
    else f.n++;
    if (this.failures.size > 100_000) this.failures.clear();
  }

  /** Forgets failures of a username after a successful login. */
  loginSucceeded(username: string): void {
    this.failures.delete(username.toLowerCase());
  }

  private prune(window: number): void {
    for (const [k, v] of this.calls) if (v.window !== window) this.calls.delete(k);
  }
}
