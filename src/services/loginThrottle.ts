import { Clock } from '../lib/clock';
import { RetryLater } from '../domain/errors';

/** Limits of the login throttle. */
export interface LoginLimits {
  /** Failed logins of one username from one source within windowMs before that source is refused (0 = off). */
  maxFailures: number;
  /** How long failures are remembered, and how long a source stays refused after its last allowed failure. */
  windowMs: number;
}

/** What the throttle remembers of one (username, source). */
interface Entry {
  /** Start of the current counting window. */
  first: number;
  /** Failures in the window. */
  n: number;
  /** Refused until then (0 = not refused). */
  lockedUntil: number;
  /** Password checks running now; they count against the allowance until they end. */
  pending: number;
}

/** Most (username, source) pairs remembered; at the bound, expired ones go first, then the oldest. */
const MAX_ENTRIES = 100_000;

/**
 * Failed logins counted per (username, source address), in this process's memory.
 * why: counting per username alone let anyone who knows a username lock its owner out of every API; counting per
 * source alone lets a guesser spread over usernames. Per pair, a guesser is slowed wherever it guesses from, and the
 * owner, signing in from anywhere that is not failing, is never refused.
 */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: LoginLimits,
  ) {}

  /** Throws LOGIN_THROTTLED while the pair is refused. */
  check(username: string, source: string): void {
    if (!this.limits.maxFailures) return;
    const e = this.entries.get(keyOf(username, source));
    const now = this.clock.now();
    if (e && e.lockedUntil > now) throw throttled(e.lockedUntil - now);
  }

  /**
   * Registers a password check about to run for the pair; call the returned function when it ends. Throws
   * LOGIN_THROTTLED when the pair's failures plus the checks it has running already use up the allowance, so parallel
   * guesses cannot all pass before the first of them fails.
   */
  begin(username: string, source: string): () => void {
    if (!this.limits.maxFailures) return () => undefined;
    const key = keyOf(username, source);
    const e = this.entry(key);
    this.roll(e, this.clock.now());
    // why Retry-After 1: the running checks end within a second or so, and the next attempt is judged on their outcome.
    if (e.n + e.pending >= this.limits.maxFailures) throw throttled(1000);
    e.pending++;
    return () => {
      e.pending--;
      if (!e.pending && !e.n && !e.lockedUntil) this.entries.delete(key);
    };
  }

  /** Counts a failed login of the pair; at the allowance the pair is refused for windowMs from now. */
  failed(username: string, source: string): void {
    if (!this.limits.maxFailures) return;
    const now = this.clock.now();
    const e = this.entry(keyOf(username, source));
    this.roll(e, now);
    e.n++;
    if (e.n >= this.limits.maxFailures) e.lockedUntil = now + this.limits.windowMs;
  }

  /** Forgets the pair's failures after a successful login from that source (also one answered from a cache). */
  succeeded(username: string, source: string): void {
    const key = keyOf(username, source);
    const e = this.entries.get(key);
    if (!e) return;
    if (e.pending) {
      e.n = 0;
      e.lockedUntil = 0;
    } else this.entries.delete(key);
  }

  /** Starts a new counting window once the old one (and any refusal) is over. */
  private roll(e: Entry, now: number): void {
    if (now - e.first >= this.limits.windowMs && e.lockedUntil <= now) {
      e.first = now;
      e.n = 0;
      e.lockedUntil = 0;
    }
  }

  private entry(key: string): Entry {
    let e = this.entries.get(key);
    if (!e) {
      if (this.entries.size >= MAX_ENTRIES) this.prune();
      e = { first: this.clock.now(), n: 0, lockedUntil: 0, pending: 0 };
      this.entries.set(key, e);
    }
    return e;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [k, e] of this.entries) {
      if (!e.pending && e.lockedUntil <= now && now - e.first >= this.limits.windowMs) this.entries.delete(k);
    }
    // why: memory stays bounded under a flood of made-up usernames; the oldest pairs (Map order) are forgotten first.
    for (const [k, e] of this.entries) {
      if (this.entries.size < MAX_ENTRIES * 0.9) break;
      if (!e.pending) this.entries.delete(k);
    }
  }
}

function keyOf(username: string, source: string): string {
  // why: the source comes first and never holds a NUL, so no username can make two pairs share a key.
  return `${source}\u0000${username.toLowerCase()}`;
}

function throttled(ms: number): RetryLater {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return new RetryLater('LOGIN_THROTTLED', s, `Too many failed logins for this user from this address; try again in ${s} s.`);
}
