import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The status page's session cookie name. */
export const SESSION_COOKIE = 'cg_status';

/** A signed-in status page user. */
export interface Session {
  username: string;
  accountId: number;
  /** Per-session token every POST form carries (CSRF). */
  csrf: string;
  expiresAt: number;
}

/**
 * Stateless sessions: the cookie holds the session as base64url JSON plus an HMAC-SHA256 under a secret made
 * at random when the process starts (so a restart signs everyone out and no secret needs configuring).
 */
export class SessionSigner {
  private readonly secret = randomBytes(32);

  constructor(readonly ttlMs: number = 8 * 3600_000) {}

  /** A new session for a user, valid for ttlMs from now. */
  create(username: string, accountId: number, now: number): Session {
    return { username, accountId, csrf: randomBytes(18).toString('base64url'), expiresAt: now + this.ttlMs };
  }

  /** The cookie value of a session. */
  seal(s: Session): string {
    const body = Buffer.from(JSON.stringify([s.username, s.accountId, s.csrf, s.expiresAt])).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The session in a cookie value, if its signature holds and it has not expired. */
  open(value: string | undefined, now: number): Session | undefined {
    if (!value || value.length > 2000) return undefined;
    const dot = value.indexOf('.');
    if (dot < 1) return undefined;
    const body = value.slice(0, dot);
    if (!sameText(value.slice(dot + 1), this.mac(body))) return undefined;
    try {
      const [username, accountId, csrf, expiresAt] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown[];
      if (typeof username !== 'string' || typeof accountId !== 'number' || typeof csrf !== 'string' || typeof expiresAt !== 'number') return undefined;
      return expiresAt > now ? { username, accountId, csrf, expiresAt } : undefined;
    } catch {
      return undefined;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

/** Compares two strings in time that does not depend on where they differ. */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** One cookie's value from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
