import { expect } from 'chai';
import { connect } from '../../src/db/connection';
import { Store } from '../../src/db/store';
import { FakeClock } from '../../src/lib/clock';
import { OutboxService } from '../../src/services/outbox';
import { startApp, TestApp } from '../helpers/app';
import { testConfig } from '../helpers/db';
import { RestClient } from '../helpers/rest';
import { expectError } from '../helpers/expect';
import { allJobsRunner, settle } from '../helpers/sends';

// The consumable outbox's contract (services/outbox.ts): a row is acknowledged exactly once, only by the holder of its
// current claim; two claimers on separate connections (as two worker processes) never get the same row while a lease
// holds; a lapsed lease is taken over and voids the old holder's ack. Time is the fake clock's, never a sleep.

describe('Outbox: claims with leases and exactly-once acknowledgement, two concurrent claimers', () => {
  const t0 = Date.UTC(2031, 0, 1, 8, 0, 0);
  let clock: FakeClock;
  let app: TestApp;
  let second: Store;
  let a: OutboxService;
  let b: OutboxService;
  let accountId: number;

  before(async () => {
    clock = new FakeClock(t0);
    app = await startApp({ clock });
    const { knex, dialect } = await connect(testConfig().db);
    second = new Store(knex, dialect);
    a = app.services.outbox;
    b = new OutboxService(second, clock, 1000);
    accountId = (await app.newAccount()).accountId;
  });
  after(async () => {
    await second.close();
    await app.close();
  });

  const addSms = async (n: number, acct = accountId) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push(await app.services.sms.send(acct, `+4477009${String(10000 + i).slice(-5)}`, `Message ${i}`));
    return ids;
  };

  it('two workers claiming and acknowledging concurrently deliver every row exactly once', async () => {
    const ids = await addSms(120);
    const delivered: Record<'a' | 'b', number[]> = { a: [], b: [] };
    const worker = async (name: 'a' | 'b', svc: OutboxService) => {
      for (;;) {
        const c = await svc.claim(accountId, { limit: 7, leaseMs: 60_000 });
        if (c.rows.length === 0) return;
        delivered[name].push(...c.rows.map((r) => r.id));
        const r = await svc.ack(accountId, { claimToken: c.claimToken, ids: c.rows.map((x) => x.id) });
        expect(r.rejected).to.deep.equal([]);
        expect(r.acked).to.deep.equal(c.rows.map((x) => x.id));
      }
    };
    await Promise.all([worker('a', a), worker('b', b)]);
    const all = [...delivered.a, ...delivered.b].sort((x, y) => x - y);
    expect(all).to.deep.equal(ids);
    expect(new Set(all).size).to.equal(ids.length);
    expect(await a.list(accountId, { state: 'pending' })).to.deep.equal([]);
    expect((await a.list(accountId, { state: 'acked' })).map((r) => r.id)).to.deep.equal(ids);
  });

  it('claims made at the same moment on two connections are disjoint', async () => {
    const ids = await addSms(40);
    const [x, y] = await Promise.all([a.claim(accountId, { limit: 25 }), b.claim(accountId, { limit: 25 })]);
    const xi = x.rows.map((r) => r.id);
    const yi = y.rows.map((r) => r.id);
    expect(xi.filter((i) => yi.includes(i))).to.deep.equal([]);
    expect([...xi, ...yi].sort((p, q) => p - q)).to.deep.equal(ids);
    await a.ack(accountId, { claimToken: x.claimToken, ids: xi });
    await b.ack(accountId, { claimToken: y.claimToken, ids: yi });
  });

  it('a lapsed lease is taken over; the old holder can no longer acknowledge, the new one can, once', async () => {
    const ids = await addSms(3);
    const first = await a.claim(accountId, { limit: 10, leaseMs: 30_000 });
    expect(first.rows.map((r) => r.id)).to.deep.equal(ids);
    expect((await a.list(accountId, { state: 'claimed' })).map((r) => r.id)).to.deep.equal(ids);
    // While the lease holds nobody else gets the rows.
    clock.advance(29_999);
    expect((await b.claim(accountId, { limit: 10 })).rows).to.deep.equal([]);
    // A slow worker may still acknowledge after its lease lapsed, as long as nobody took the row over.
    clock.advance(2);
    expect(await a.ack(accountId, { claimToken: first.claimToken, ids: [ids[0]] })).to.deep.equal({ acked: [ids[0]], rejected: [] });
    const second = await b.claim(accountId, { limit: 10, leaseMs: 30_000 });
    expect(second.rows.map((r) => r.id)).to.deep.equal(ids.slice(1));
    expect(second.claimedUntil).to.equal(clock.now() + 30_000);
    // The first holder lost the rest; the new holder acknowledges them; a repeat is refused.
    expect(await a.ack(accountId, { claimToken: first.claimToken, ids })).to.deep.equal({ acked: [], rejected: ids });
    expect(await b.ack(accountId, { claimToken: second.claimToken, ids: ids.slice(1) })).to.deep.equal({ acked: ids.slice(1), rejected: [] });
    expect(await b.ack(accountId, { claimToken: second.claimToken, ids: ids.slice(1) })).to.deep.equal({ acked: [], rejected: ids.slice(1) });
    clock.advance(3_600_000);
    expect((await b.claim(accountId, {})).rows).to.deep.equal([]);
  });

  it('claims and acks are scoped to the account; budgets are checked', async () => {
    const other = (await app.newAccount()).accountId;
    const [mine] = await addSms(1);
    const [theirs] = await addSms(1, other);
    const c = await a.claim(other, { limit: 10 });
    expect(c.rows.map((r) => r.id)).to.deep.equal([theirs]);
    // Another account's token does not acknowledge my row.
    expect(await a.ack(accountId, { claimToken: c.claimToken, ids: [theirs] })).to.deep.equal({ acked: [], rejected: [theirs] });
    // The operator's view (no account) sees every account's pending rows: mine, not theirs (claimed). why: only
    // listed, not claimed, as other specs of the run share the database and their rows must stay theirs.
    const pending: number[] = [];
    for (let skip = 0; ; skip += 1000) {
      const page = await a.list(undefined, { state: 'pending', select: 1000, skip });
      pending.push(...page.map((r) => r.id));
      if (page.length < 1000) break;
    }
    expect(pending).to.include(mine);
    expect(pending).not.to.include(theirs);
    const mineClaim = await a.claim(accountId, { limit: 10 });
    expect(mineClaim.rows.map((r) => r.id)).to.deep.equal([mine]);
    expect(await a.ack(undefined, { claimToken: mineClaim.claimToken, ids: [mine] })).to.deep.equal({ acked: [mine], rejected: [] });
    await a.ack(other, { claimToken: c.claimToken, ids: [theirs] });
    for (const bad of [{ limit: 0 }, { limit: 1001 }, { leaseMs: 999 }, { leaseMs: 3_600_001 }, { limit: 'many' }]) {
      let err: unknown;
      await a.claim(accountId, bad).catch((e: unknown) => (err = e));
      expect(String(err), JSON.stringify(bad)).to.match(/ERROR_PARAMETER_INVALID/);
    }
    for (const bad of [{ claimToken: 'x', ids: [1] }, { claimToken: c.claimToken, ids: [] }, { claimToken: c.claimToken, ids: Array(1001).fill(1) }, { claimToken: c.claimToken, ids: [0] }]) {
      let err: unknown;
      await a.ack(accountId, bad).catch((e: unknown) => (err = e));
      expect(String(err)).to.match(/ERROR_OUTBOX_CLAIM_INVALID/);
    }
  });

  it('REST extension routes: GET /v2/outbox pages, POST /v2/outbox/claim and /v2/outbox/ack; campaign emails are rows too', async () => {
    const login = await app.newAccount();
    const api = new RestClient(app.baseUrl, login);
    expect((await api.post('/v2/sms-messages/send-to/%2B447700900999', { message: 'Hi' })).status).to.equal(204);
    const list = await api.get('/v2/outbox');
    expect(list.status, list.text).to.equal(200);
    expect(list.body).to.have.length(1);
    expect(list.body[0]).to.deep.equal({
      id: list.body[0].id, kind: 'sms', sendId: null, contactId: null, email: null, subject: null, variant: null, programId: null, telephone: '+447700900999', payload: { message: 'Hi' },
      createdAt: new Date(clock.now()).toISOString(), claimedUntil: null, ackedAt: null,
    });
    const c = await api.post('/v2/outbox/claim', { limit: 10, leaseSeconds: 120 });
    expect(c.status, c.text).to.equal(200);
    expect(c.body.claimedUntil).to.equal(new Date(clock.now() + 120_000).toISOString());
    expect(c.body.rows.map((r: { id: number }) => r.id)).to.deep.equal([list.body[0].id]);
    expect((await api.get('/v2/outbox?state=claimed')).body).to.have.length(1);
    expect((await api.get('/v2/outbox')).body).to.deep.equal([]);
    const ack = await api.post('/v2/outbox/ack', { claimToken: c.body.claimToken, ids: [list.body[0].id] });
    expect(ack.body).to.deep.equal({ acked: [list.body[0].id], rejected: [] });
    expect((await api.get('/v2/outbox?state=acked&kind=sms')).body[0].ackedAt).to.equal(new Date(clock.now()).toISOString());
    expectError(await api.post('/v2/outbox/ack', { claimToken: 'nope', ids: [1] }), 400, 'ERROR_OUTBOX_CLAIM_INVALID');
    expectError(await api.post('/v2/outbox/claim', { leaseSeconds: 0 }), 400, 'ERROR_PARAMETER_INVALID');
    expectError(await api.get('/v2/outbox?state=lost'), 400, 'ERROR_PARAMETER_INVALID');
    // A campaign send's recipients are outbox rows of kind email with the account, the send, the contact and subject.
    const book = (await api.post('/v2/address-books', { name: 'Readers' })).body.id;
    const ann = (await api.post(`/v2/address-books/${book}/contacts`, { email: 'ann@example.com' })).body.id;
    const campaign = (await api.post('/v2/campaigns', { name: 'Spring', subject: 'Spring news', fromName: 'Acme' })).body.id;
    const send = (await api.post('/v2/campaigns/send', { campaignId: campaign, addressBookIds: [book] })).body.id;
    const runner = allJobsRunner(app.services);
    await runner.drain();
    await settle(runner, app.services, clock);
    const emails = (await api.get('/v2/outbox?kind=email')).body;
    expect(emails.map((r: Record<string, unknown>) => ({ kind: r.kind, sendId: r.sendId, contactId: r.contactId, email: r.email, subject: r.subject, payload: r.payload }))).to.deep.equal([
      { kind: 'email', sendId: send, contactId: ann, email: 'ann@example.com', subject: 'Spring news', payload: null },
    ]);
    const ce = await api.post('/v2/outbox/claim', {});
    expect(ce.body.rows.map((r: { id: number }) => r.id)).to.deep.equal([emails[0].id]);
  });
});
