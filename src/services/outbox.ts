import { Clock } from '../lib/clock';
import { newGuid, isGuid } from '../lib/ids';
import { DomainError } from '../domain/errors';
import { OutboxRow, OutboxState } from '../domain/outbox';
import { Store } from '../db/store';
import { page } from './paging';

/** Most rows one claim takes, and the default. */
export const OUTBOX_CLAIM_MAX = 1000;
const CLAIM_DEFAULT = 100;
/** Shortest and longest lease a claim may ask for (ms), and the default. */
export const OUTBOX_LEASE_MS = { min: 1_000, max: 3_600_000, default: 60_000 } as const;
/** Most ids one acknowledgement takes. */
export const OUTBOX_ACK_MAX = 1000;

const STATES: readonly OutboxState[] = ['pending', 'claimed', 'acked', 'all'];

/** A claimed batch: the token to acknowledge with, the lease's end, and the rows. */
export interface OutboxClaim {
  claimToken: string;
  claimedUntil: number;
  rows: OutboxRow[];
}

/**
 * The consumable outbox: what the gateway would have delivered (campaign emails, SMS messages, ...), for a delivery
 * worker to claim with a lease and acknowledge. Contract: every row is acknowledged at most once, and only by the
 * holder of its current claim; a claim whose lease lapsed can be taken over by another claimer, which voids the old
 * holder's right to acknowledge. A worker that delivers and then acknowledges thus hands each row over exactly once
 * per successful ack (a crash between delivery and ack means a re-delivery, so the row id is the idempotency key).
 * `accountId` scopes a call to one account (REST callers); undefined means every account (the operator's CLI).
 */
export class OutboxService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly maxSelect: number,
  ) {}

  /** Rows in a state (default pending), oldest first, with paging. */
  async list(accountId: number | undefined, o: { select?: unknown; skip?: unknown; state?: unknown; kind?: unknown }): Promise<OutboxRow[]> {
    const p = page(o.select, o.skip, this.maxSelect);
    const state = o.state === undefined || o.state === '' ? 'pending' : STATES.find((s) => s === String(o.state).toLowerCase());
    if (!state) throw new DomainError('PARAMETER_INVALID', `state must be one of ${STATES.join(', ')}.`);
    if (o.kind !== undefined && (typeof o.kind !== 'string' || !/^[a-z][a-z0-9-]{0,19}$/.test(o.kind))) throw new DomainError('PARAMETER_INVALID', 'kind is not valid.');
    return this.store.repos.outbox.list({ accountId, state, kind: o.kind as string | undefined, ...p }, this.clock.now());
  }

  /** Claims up to `limit` (1..1000, default 100) claimable rows for `leaseMs` (1 s..1 h, default 60 s). */
  async claim(accountId: number | undefined, o: { limit?: unknown; leaseMs?: unknown } = {}): Promise<OutboxClaim> {
    const limit = intIn(o.limit, CLAIM_DEFAULT, 1, OUTBOX_CLAIM_MAX, 'limit');
    const leaseMs = intIn(o.leaseMs, OUTBOX_LEASE_MS.default, OUTBOX_LEASE_MS.min, OUTBOX_LEASE_MS.max, 'lease');
    const now = this.clock.now();
    const claimToken = newGuid();
    const claimedUntil = now + leaseMs;
    const rows = await this.store.tx((r) => r.outbox.claim({ accountId, limit, token: claimToken, until: claimedUntil }, now));
    return { claimToken, claimedUntil, rows };
  }

  /** Acknowledges rows of a claim; returns the ids acknowledged now and those refused (not held by this claim, or done). */
  async ack(accountId: number | undefined, o: { claimToken?: unknown; ids?: unknown }): Promise<{ acked: number[]; rejected: number[] }> {
    if (typeof o.claimToken !== 'string' || !isGuid(o.claimToken)) throw new DomainError('OUTBOX_CLAIM_INVALID', 'claimToken must be the token a claim returned.');
    if (!Array.isArray(o.ids) || o.ids.length === 0 || o.ids.length > OUTBOX_ACK_MAX) {
      throw new DomainError('OUTBOX_CLAIM_INVALID', `ids must list 1 to ${OUTBOX_ACK_MAX} outbox row ids.`);
    }
    if (!o.ids.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n > 0)) throw new DomainError('OUTBOX_CLAIM_INVALID', 'ids must be positive integers.');
    const ids = [...new Set(o.ids as number[])];
    const token = o.claimToken.toLowerCase();
    // A REST caller acknowledges only its own account's rows, whatever token it presents.
    const acked = await this.store.tx((r) => r.outbox.ack(token, ids, this.clock.now(), accountId));
    const done = new Set(acked);
    return { acked, rejected: ids.filter((i) => !done.has(i)).sort((a, b) => a - b) };
  }
}

function intIn(v: unknown, dflt: number, min: number, max: number, name: string): number {
  if (v === undefined || v === null || v === '') return dflt;
  const n = typeof v === 'string' && /^\d{1,10}$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new DomainError('PARAMETER_INVALID', `${name} must be a whole number from ${min} to ${max}.`);
  return n;
}
