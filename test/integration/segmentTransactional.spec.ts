import { expect } from 'chai';
import { startApp, TestApp } from '../helpers/app';
import { FakeClock } from '../../src/lib/clock';
import { JobRunner } from '../../src/jobs/runner';
import { Services } from '../../src/services';
import { compileRules } from '../../src/db/segmentSql';
import { rawRows } from '../../src/db/sql';
import { DomainError } from '../../src/domain/errors';
import { allJobsRunner } from '../helpers/sends';

// Segments over transactional data (issue #19): rule conditions on a contact's records in a collection, typed tests on
// JSON paths, all values bound. Such segments are real-time: a single transactional write updates them before it
// answers (invariant 1); an import marks them stale and the sweeper refreshes them incrementally, evaluating only the
// changed contacts, coalesced (invariants 2-5). After every step the members equal a full recompute, counts exact.

const MIN = 60_000;
const DAY = 86_400_000;

/** A small seeded PRNG (mulberry32), so every run makes the same writes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('segments over transactional data', () => {
  let app: TestApp;
  let s: Services;
  let clock: FakeClock;
  let runner: JobRunner;
  before(async () => {
    clock = new FakeClock(Date.UTC(2031, 5, 1, 8, 0, 0));
    app = await startApp({ clock, config: { txImportChunkRows: 4 } });
    s = app.services;
    runner = allJobsRunner(s);
  });
  after(() => app.close());

  /** Every real-time segment of the account has exactly the members (and count) a full recompute gives. */
  async function compare(accountId: number): Promise<void> {
    for (const g of await s.store.repos.segments.ofKind(accountId, 'realtime')) {
      const p = compileRules(s.store.dialect, g.rules, accountId, clock.now());
      const want = rawRows<{ id: number }>(
        s.store.dialect,
        await s.store.knex.raw(`SELECT c.id FROM contacts c WHERE c.account_id = ? AND ${p.sql} ORDER BY c.id`, [accountId, ...p.bindings]),
      ).map((r) => Number(r.id));
      const have = (await s.store.knex('segment_members').where({ segment_id: g.id }).orderBy('contact_id').select('contact_id')).map((r) => Number(r.contact_id));
      expect(have, `members of ${JSON.stringify(g.rules)}`).to.deep.equal(want);
      expect(Number((await s.store.knex('segments').where({ id: g.id }).first('member_count')).member_count)).to.equal(want.length);
    }
  }
  const members = async (id: number) => (await s.store.knex('segment_members').where({ segment_id: id }).orderBy('contact_id').select('contact_id')).map((r) => Number(r.contact_id));
  const today = (daysAgo: number) => new Date(clock.now() - daysAgo * DAY).toISOString();

  const RULES = {
    big: { all: [{ collection: 'Orders', op: 'exists', where: [{ field: 'total', op: '>', value: 100 }] }] },
    two: { all: [{ collection: 'Orders', op: 'countAtLeast', value: 2 }] },
    none: { all: [{ collection: 'Orders', op: 'notExists' }] },
    recentGb: { all: [{ collection: 'Orders', op: 'exists', where: [{ field: 'placedAt', op: 'withinLastDays', value: 90 }, { field: 'shipping.country', op: 'equals', value: 'gb' }] }] },
    gift: { any: [{ collection: 'Orders', op: 'exists', where: [{ field: 'gift', op: 'isTrue' }] }, { collection: 'Wishlist', op: 'exists' }] },
  };

  async function setup(n: number) {
    const { accountId } = await app.newAccount();
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push((await s.contacts.create(accountId, { email: `c${i}@x.com` })).id);
    const segs: Record<string, number> = {};
    for (const [name, rules] of Object.entries(RULES)) segs[name] = (await s.segments.create(accountId, { name, rules })).id;
    await runner.drain();
    return { accountId, ids, segs };
  }

  it('validates the condition: collection, operator, count, JSON paths (no quoting tricks), where budget; rules read back as written', async () => {
    const { accountId } = await app.newAccount();
    const bad = async (rules: unknown) => {
      try {
        await s.segments.create(accountId, { name: 'x', rules });
      } catch (e) {
        return e instanceof DomainError ? e.code : String(e);
      }
      return 'accepted';
    };
    const c = (x: Record<string, unknown>) => ({ all: [{ collection: 'Orders', op: 'exists', ...x }] });
    expect(await bad(c({ collection: '1x' }))).to.equal('SEGMENT_INVALID');
    expect(await bad(c({ op: 'sometimes' }))).to.equal('SEGMENT_INVALID');
    expect(await bad(c({ op: 'countAtLeast' }))).to.equal('SEGMENT_INVALID');
    expect(await bad(c({ where: [{ field: 'a"); DROP TABLE contacts; --', op: '=', value: 1 }] }))).to.equal('SEGMENT_INVALID');
    expect(await bad(c({ where: [{ field: 'a..b', op: '=', value: 1 }] }))).to.equal('SEGMENT_INVALID');
    expect(await bad(c({ where: [{ field: 'a.b.c.d.e.f.g', op: '=', value: 1 }] }))).to.equal('SEGMENT_INVALID');
    expect(await bad(c({ where: [{ field: 'total', op: '>', value: 'lots' }] }))).to.equal('SEGMENT_INVALID');
    expect(await bad(c({ where: [{ field: 'at', op: 'before', value: 'yesterday' }] }))).to.equal('SEGMENT_INVALID');
    expect(await bad(c({ where: Array.from({ length: 11 }, () => ({ field: 'a', op: 'isTrue' })) }))).to.equal('SEGMENT_INVALID');
    const v = await s.segments.create(accountId, { name: 'ok', rules: RULES.recentGb });
    expect(v.kind).to.equal('realtime');
    expect((await s.segments.get(accountId, v.id)).rules).to.deep.equal(RULES.recentGb);
    // a value that looks like SQL is only ever a bound value
    const evil = await s.segments.create(accountId, { name: 'evil', rules: c({ where: [{ field: 'note', op: 'equals', value: "x' OR '1'='1" }] }) });
    await runner.drain();
    expect((await s.segments.get(accountId, evil.id)).contacts).to.equal(0);
  });

  it('single transactional writes are real-time: members equal a full recompute after every write, before the call answers', async function () {
    this.timeout(60_000);
    const rnd = prng(19);
    const { accountId, ids, segs } = await setup(6);
    let seen = 0;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const order = () =>
      JSON.stringify({
        total: pick([50, 100, 100.01, 250, '120.50', '99']),
        placedAt: today(pick([1, 89, 90, 91, 400])),
        shipping: { country: pick(['GB', 'gb', 'FR']) },
        gift: pick([true, false]),
      });
    const keys = Array.from({ length: 10 }, (_, i) => `o-${i}`);
    for (let step = 0; step < 60; step++) {
      const what = rnd();
      const key = pick(keys);
      const t = s.transactionalData;
      try {
        if (what < 0.5) await t.add(accountId, 'Orders', { key, contactIdentifier: pick(ids), json: order() });
        else if (what < 0.7) await t.replace(accountId, 'Orders', key, order());
        else if (what < 0.8) await t.deleteByKey(accountId, 'Orders', key);
        else if (what < 0.85) await t.deleteByContact(accountId, 'Orders', pick(ids));
        else if (what < 0.95) await t.add(accountId, 'Wishlist', { key, contactIdentifier: `c${ids.indexOf(pick(ids))}@x.com`, json: '{}' });
        else await t.deleteByKey(accountId, 'Wishlist', key);
      } catch (e) {
        if (!(e instanceof DomainError && e.code === 'TRANSACTIONAL_DATA_DOES_NOT_EXIST')) throw e;
      }
      await compare(accountId);
      seen += Number((await s.store.knex('segment_members').whereIn('segment_id', Object.values(segs)).count({ n: '*' }).first())?.n);
    }
    expect(seen, 'the writes made members (the comparison is not vacuous)').to.be.greaterThan(60);
    // no refresh ran: single writes never mark segments stale
    const stale = await s.store.knex('segments').where({ account_id: accountId }).whereNotNull('stale_since').count({ n: '*' }).first();
    expect(Number(stale?.n)).to.equal(0);
  });

  it('an import marks them stale; one coalesced, incremental refresh after the quiet period evaluates only the changed contacts', async () => {
    const { accountId, ids, segs } = await setup(12);
    await s.transactionalData.add(accountId, 'Orders', { key: 'o-a', contactIdentifier: ids[0], json: '{"total":500}' });
    expect(await members(segs.big)).to.deep.equal([ids[0]]);
    const imp1 = await s.transactionalData.startImport(
      accountId,
      'Orders',
      [1, 2, 3].map((i) => ({ key: `i-${i}`, contactIdentifier: `c${i}@x.com`, json: `{"total":${i * 100}}` })),
      'test',
    );
    const imp2 = await s.transactionalData.startImport(accountId, 'Orders', [{ key: 'i-9', contactIdentifier: ids[4], json: '{"total":1000}' }, { key: 'o-a', contactIdentifier: ids[5], json: '{"total":1}' }], 'test');
    await runner.drain();
    expect((await s.transactionalData.importStatus(accountId, imp1.id)).status).to.equal('Finished');
    expect((await s.transactionalData.importStatus(accountId, imp2.id)).status).to.equal('Finished');
    // deferred: the members are as before, the segment is stale and says so
    expect(await members(segs.big)).to.deep.equal([ids[0]]);
    const v = await s.segments.get(accountId, segs.big);
    expect(v.pendingRefresh || v.staleSince !== null).to.equal(true);
    clock.advance(2 * MIN);
    const swept = (await s.segments.sweepOnce()).map((d) => d.id);
    for (const id of Object.values(segs)) expect(swept).to.include(id);
    await runner.drain();
    await compare(accountId);
    expect(await members(segs.big)).to.deep.equal([ids[2], ids[3], ids[4]]);
    // one refresh per segment for both imports, incremental, over the 6 changed contacts only (0, 1, 2, 3, 4, 5)
    for (const id of Object.values(segs)) {
      const h = (await s.segments.history(accountId, id)).filter((x) => x.reason !== 'created' && x.mode !== 'full');
      expect(h, `history of ${id}`).to.have.length(1);
      expect(h[0]).to.include({ mode: 'incremental', status: 'done', changedContacts: 6 });
    }
  });

  it('an import marks only the segments that read its collection stale; the others skip the change and the log is pruned', async () => {
    const { accountId, ids, segs } = await setup(4);
    await s.dataFields.create(accountId, { name: 'COLOUR', type: 'String' });
    const colour = (await s.segments.create(accountId, { name: 'blue', rules: { all: [{ dataField: 'COLOUR', op: 'equals', value: 'Blue' }] } })).id;
    const wishes = (await s.segments.create(accountId, { name: 'wishes', rules: { all: [{ collection: 'Wishlist', op: 'exists' }] } })).id;
    await runner.drain();
    const imp = await s.transactionalData.startImport(accountId, 'Orders', [{ key: 'x1', contactIdentifier: ids[1], json: '{"total":500}' }], 'test');
    await runner.drain();
    expect((await s.transactionalData.importStatus(accountId, imp.id)).status).to.equal('Finished');
    const row = async (id: number) => s.store.knex('segments').where({ id }).first('stale_since', 'applied_change_seq');
    const seq = Number((await s.store.knex('accounts').where({ id: accountId }).first('change_seq')).change_seq);
    for (const id of [colour, wishes]) expect(await row(id), `segment ${id}`).to.deep.include({ stale_since: null, applied_change_seq: seq });
    for (const id of [segs.big, segs.two, segs.none, segs.recentGb]) expect((await row(id)).stale_since, `segment ${id}`).to.not.equal(null);
    // gift reads Orders (and Wishlist): stale too
    expect((await row(segs.gift)).stale_since).to.not.equal(null);
    clock.advance(2 * MIN);
    const swept = (await s.segments.sweepOnce()).map((d) => d.id);
    expect(swept).to.not.include(colour);
    expect(swept).to.not.include(wishes);
    await runner.drain();
    await compare(accountId);
    expect(await members(segs.big)).to.deep.equal([ids[1]]);
    expect(Number((await s.store.knex('contact_changes').where({ account_id: accountId }).count({ n: '*' }).first())?.n)).to.equal(0);
  });

  it('a rule relative to today follows the UTC day turn (invariant 10)', async () => {
    const { accountId, ids, segs } = await setup(2);
    await s.transactionalData.add(accountId, 'Orders', { key: 'old', contactIdentifier: ids[0], json: JSON.stringify({ placedAt: today(89), shipping: { country: 'GB' } }) });
    expect(await members(segs.recentGb)).to.deep.equal([ids[0]]);
    clock.advance(2 * DAY);
    expect((await s.segments.sweepOnce()).map((d) => d.id)).to.include(segs.recentGb);
    await runner.drain();
    expect(await members(segs.recentGb)).to.deep.equal([]);
    await compare(accountId);
  });
});
