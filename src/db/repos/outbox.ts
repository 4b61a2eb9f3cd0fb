import { Knex } from 'knex';
import { OutboxRow, OutboxState } from '../../domain/outbox';
import { Dialect } from '../connection';
import { skipLocked } from '../sql';

/** A new outbox row of a kind other than a campaign email (those are copied set-based by SendRepo.toOutbox). */
export interface OutboxInsert {
  accountId: number;
  kind: string;
  telephone?: string | null;
  email?: string | null;
  contactId?: number | null;
  payload?: Record<string, unknown> | null;
}

/** SQL for the consumable outbox: rows of any kind, claimed with a lease and acknowledged exactly once. */
export class OutboxRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /** Adds one row; returns its id. */
  async add(row: OutboxInsert, now: number): Promise<number> {
    const [id] = await this.db('outbox').insert({
      account_id: row.accountId,
      kind: row.kind,
      telephone: row.telephone ?? null,
      email: row.email ?? null,
      contact_id: row.contactId ?? null,
      payload: row.payload ? JSON.stringify(row.payload) : null,
      created_at: now,
    });
    return Number(id);
  }

  /** Rows by id (optionally of one account) in a state, with paging. */
  async list(q: { accountId?: number; state: OutboxState; kind?: string; skip: number; select: number }, now: number): Promise<OutboxRow[]> {
    const b = this.db('outbox').orderBy('id').limit(q.select).offset(q.skip);
    if (q.accountId !== undefined) b.where({ account_id: q.accountId });
    if (q.kind !== undefined) b.where({ kind: q.kind });
    if (q.state === 'acked') b.whereNotNull('acked_at');
    if (q.state === 'claimed') b.whereNull('acked_at').where('claimed_until', '>', now);
    if (q.state === 'pending') b.whereNull('acked_at').where((w) => w.whereNull('claimed_until').orWhere('claimed_until', '<=', now));
    return (await b).map(toRow);
  }

  /**
   * Claims up to `limit` claimable rows (not acknowledged, never claimed or with a lapsed lease), oldest first, for
   * `token` until `until`; returns them. Call inside a transaction. why: the update re-checks claimability row by row,
   * so two claimers never get the same row even where the select does not lock (SQLite's single writer); on MySQL the
   * select skips rows another claimer holds, so concurrent claimers get disjoint batches instead of waiting.
   */
  async claim(q: { accountId?: number; limit: number; token: string; until: number }, now: number): Promise<OutboxRow[]> {
    const acct = q.accountId === undefined ? '' : ' and account_id = ?';
    const sql =
      `select id from outbox where acked_at is null and (claimed_until is null or claimed_until <= ?)${acct} ` +
      `order by id limit ${Math.trunc(q.limit)}${skipLocked(this.dialect)}`;
    const res = await this.db.raw(sql, q.accountId === undefined ? [now] : [now, q.accountId]);
    const ids = ((this.dialect === 'mysql' ? res[0] : res) as Array<{ id: unknown }>).map((r) => Number(r.id));
    if (ids.length === 0) return [];
    await this.db('outbox')
      .whereIn('id', ids)
      .whereNull('acked_at')
      .where((w) => w.whereNull('claimed_until').orWhere('claimed_until', '<=', now))
      .update({ claim_token: q.token, claimed_until: q.until });
    return (await this.db('outbox').where({ claim_token: q.token }).whereNull('acked_at').orderBy('id')).map(toRow);
  }

  /**
   * Acknowledges rows held by a claim: only rows still carrying `token`, not yet acknowledged (and of the account, when
   * given) are marked; returns their ids. why: a lapsed lease stays valid until someone else claims the row (that claim overwrites the token), so
   * a slow worker's ack is accepted exactly when no other worker can have the row.
   */
  async ack(token: string, ids: number[], now: number, accountId?: number): Promise<number[]> {
    if (ids.length === 0) return [];
    // Call inside a transaction: the rows are locked (MySQL) or the writer is single (SQLite) from read to update.
    const q = this.db('outbox').where({ claim_token: token }).whereIn('id', ids).whereNull('acked_at').select('id').orderBy('id');
    if (accountId !== undefined) q.where({ account_id: accountId });
    const held = (await (this.dialect === 'mysql' ? q.forUpdate() : q)).map((r) => Number(r.id));
    if (held.length === 0) return [];
    await this.db('outbox').whereIn('id', held).update({ acked_at: now });
    return held;
  }
}

function toRow(r: Record<string, unknown>): OutboxRow {
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: Number(r.id),
    accountId: n(r.account_id),
    kind: String(r.kind ?? 'email'),
    sendId: s(r.send_id),
    contactId: n(r.contact_id),
    email: s(r.email),
    subject: s(r.subject),
    variant: s(r.variant),
    programId: n(r.program_id),
    telephone: s(r.telephone),
    payload: r.payload === null || r.payload === undefined ? null : (JSON.parse(String(r.payload)) as Record<string, unknown>),
    createdAt: Number(r.created_at),
    claimToken: s(r.claim_token),
    claimedUntil: n(r.claimed_until),
    ackedAt: n(r.acked_at),
  };
}
