import { DomainError } from '../../../domain/errors';
import { OutboxRow } from '../../../domain/outbox';
import { actorOf } from '../auth';
import { ci, queryParam } from '../input';
import { arrayOf, ref } from '../openapiSchemas';
import { PAGED, Route } from '../route';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** ApiOutboxRow (extension; the caller's own account, so no account id). */
export function outboxRowOut(r: OutboxRow): Record<string, unknown> {
  return {
    id: r.id,
    kind: r.kind,
    sendId: r.sendId,
    contactId: r.contactId,
    email: r.email,
    subject: r.subject,
    variant: r.variant,
    programId: r.programId,
    telephone: r.telephone,
    payload: r.payload,
    createdAt: iso(r.createdAt),
    claimedUntil: iso(r.claimedUntil),
    ackedAt: iso(r.ackedAt),
  };
}

const base = { kind: 'extension', tag: 'Outbox' } as const;

function leaseMs(v: unknown): unknown {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new DomainError('PARAMETER_INVALID', 'leaseSeconds must be a whole number from 1 to 3600.');
  return v * 1000;
}

/** Our extension routes that make the outbox consumable by a delivery worker (docs/outbox.md). */
export const outboxRoutes: Route[] = [
  {
    ...base, method: 'get', path: '/outbox', summary: "Page through the account's outbox (pending rows by default; `state`, `kind` filter).", query: [...PAGED, 'state', 'kind'],
    ok: [200, arrayOf(ref('ApiOutboxRow'))], xml: null,
    handler: async (req, res, { s }) => {
      const q = (n: string) => queryParam(req.query, n);
      res.json((await s.outbox.list(actorOf(res).accountId, { select: q('select'), skip: q('skip'), state: q('state'), kind: q('kind') })).map(outboxRowOut));
    },
  },
  {
    ...base, method: 'post', path: '/outbox/claim', summary: 'Claim a batch of pending rows with a lease (`{limit, leaseSeconds}`); acknowledge them with the token.',
    body: ref('ApiOutboxClaimRequest'), ok: [200, ref('ApiOutboxClaim')], xml: null,
    handler: async (req, res, { s }) => {
      const b = ci(req.body);
      const c = await s.outbox.claim(actorOf(res).accountId, { limit: b.get('limit'), leaseMs: leaseMs(b.get('leaseSeconds')) });
      res.json({ claimToken: c.claimToken, claimedUntil: iso(c.claimedUntil), rows: c.rows.map(outboxRowOut) });
    },
  },
  {
    ...base, method: 'post', path: '/outbox/ack', summary: 'Acknowledge delivered rows of a claim (`{claimToken, ids}`); each row is acknowledged once, by its current claim.',
    body: ref('ApiOutboxAckRequest'), ok: [200, ref('ApiOutboxAck')], xml: null,
    handler: async (req, res, { s }) => {
      const b = ci(req.body);
      res.json(await s.outbox.ack(actorOf(res).accountId, { claimToken: b.get('claimToken'), ids: b.get('ids') }));
    },
  },
];
