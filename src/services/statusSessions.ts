import { createHash, randomBytes } from 'node:crypto';
import { Clock } from '../lib/clock';
import { Store } from '../db/store';
import { Actor } from './accounts';

/** A signed-in status page user. */
export interface Session {
  username: string;
  accountId: number;
  /** Per-session token every POST form carries (CSRF). */
  csrf: string;
  expiresAt: number;
}

/** How long a status page session lasts from sign-in. */
export const SESSION_TTL_MS = 8 * 3600_000;

// A token is 32 random bytes in base64url: 43 characters.
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Status page sessions, kept in the database: the cookie carries a random token, the database the token's digest.
 * why: signed cookies under a per-process secret broke on every other process and survived sign-out; rows in the
 * shared database are accepted by every process and deleted by a sign-out on any of them.
 */
export class StatusSessionService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    readonly ttlMs: number = SESSION_TTL_MS,
  ) {}

  /** Starts a session for a signed-in user; returns the cookie token (shown once, never stored) and the session. */
  async open(actor: Actor): Promise<{ token: string; session: Session }> {
    const now = this.clock.now();
    const token = randomBytes(32).toString('base64url');
    const session: Session = { username: actor.username, accountId: actor.accountId, csrf: randomBytes(18).toString('base64url'), expiresAt: now + this.ttlMs };
    const repo = this.store.repos.statusSessions;
    // why: sign-ins are rare, so each one prunes every expired session: the table holds at most 8 hours of sign-ins.
    await repo.deleteExpired(now);
    await repo.insert({ id: digest(token), ...session, createdAt: now });
    return { token, session };
  }

  /** The live session of a cookie token, if any (a malformed token costs no database read). */
  async find(token: string | undefined): Promise<Session | undefined> {
    if (!token || !TOKEN.test(token)) return undefined;
    const r = await this.store.repos.statusSessions.find(digest(token), this.clock.now());
    return r ? { username: r.username, accountId: r.accountId, csrf: r.csrf, expiresAt: r.expiresAt } : undefined;
  }

  /** Ends a session on every process (sign-out). */
  async close(token: string): Promise<void> {
    if (TOKEN.test(token)) await this.store.repos.statusSessions.delete(digest(token));
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
