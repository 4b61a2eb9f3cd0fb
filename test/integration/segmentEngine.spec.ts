import { expect } from 'chai';
import { startApp, TestApp } from '../helpers/app';
import { FakeClock } from '../../src/lib/clock';
import { JobRunner } from '../../src/jobs/runner';
import { registerSegmentJobs } from '../../src/jobs/segmentJobs';
import { SegmentWriteHooks } from '../../src/services/segmentHooks';
import { Services } from '../../src/services';
import { testEngine } from '../helpers/db';
import { FAILED_REFRESH_RETRY_MS } from '../../src/services/segments';
import { segmentState } from '../../src/transport/status/pages';
import { allJobsRunner, settle } from '../helpers/sends';

const MIN = 60_000;

describe('segment freshness engine (invariants 3-10, driven by a fake clock)', () => {
  let app: TestApp;
  let s: Services;
  let clock: FakeClock;
  let runner: JobRunner;
  let hooks: SegmentWriteHooks;
  before(async () => {
    clock = new FakeClock(Date.UTC(2031, 5, 1, 8, 0, 0));
    app = await startApp({ clock });
    s = app.services;
    runner = new JobRunner(s.jobs, 'engine-test-runner', { pollMs: 10 });
    registerSegmentJobs(runner, s);
    hooks = new SegmentWriteHooks(clock);
  });
  after(() => app.close());
  afterEach(() => {
    s.segments.testHooks = {};
  });

  /** An account with a Numeric field SCORE and n contacts c<i>@x.com with SCORE = i. */
  async function account(n: number): Promise<{ accountId: number; ids: number[] }> {
    const { accountId } = await app.newAccount();
    await s.dataFields.create(accountId, { name: 'SCORE', type: 'Numeric' });
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push((await s.contacts.create(accountId, { email: `c${i}@x.com`, dataFields: { SCORE: i } })).id);
    return { accountId, ids };
  }

  /** A bulk write as the import pipeline does it: rows written, then bulkWrite in the same transaction. */
  async function bulkSetScore(accountId: number, ids: number[], score: number): Promise<void> {
    await s.store.tx(async (r) => {
      await r.db('contacts').where({ account_id: accountId }).whereIn('id', ids).update({ data: JSON.stringify({ SCORE: score }) });
      await hooks.bulkWrite(r, accountId, ids);
    });
  }

  async function memberIds(segmentId: number): Promise<number[]> {
    const rows = await s.store.knex('segment_members').where({ segment_id: segmentId }).orderBy('contact_id').select('contact_id');
    return rows.map((r) => Number(r.contact_id));
  }

  async function newSegment(accountId: number, rules: unknown): Promise<number> {
    const v = await s.segments.create(accountId, { name: `seg-${Math.random().toString(36).slice(2, 9)}`, rules });
    await runner.drain();
    return v.id;
  }

  const sweptIds = async (o: { nextTickAt?: number } = {}) => (await s.segments.sweepOnce(o)).map((d) => d.id);

  it('invariant 3: under a bulk write every minute the sweep starts the refresh by the max delay (30 min), never later', async () => {
    const { accountId, ids } = await account(3);
    const seg = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: '>=', value: 100 }] });
    const t0 = clock.now();
    let startedAt: number | undefined;
    for (let minute = 0; minute <= 40 && startedAt === undefined; minute++) {
      await bulkSetScore(accountId, [ids[minute % 3]], 100 + minute);
      const v = await s.segments.get(accountId, seg);
      expect(v.staleSince).to.equal(t0);
      // refreshDueBy = min(last write + quiet, first write + max delay)
      expect(v.refreshDueBy).to.equal(Math.min(clock.now() + 2 * MIN, t0 + 30 * MIN));
      clock.advance(MIN);
      if ((await sweptIds()).includes(seg)) startedAt = clock.now();
    }
    expect(startedAt).to.equal(t0 + 30 * MIN);
    await runner.drain();
    expect(await memberIds(seg)).to.deep.equal(ids);
  });

  it('invariant 3: the sweep looks ahead to the next cron tick so the max delay is not overrun by tick rounding', async () => {
    const { accountId, ids } = await account(1);
    const seg = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: '>=', value: 100 }] });
    const t0 = clock.now();
    await bulkSetScore(accountId, ids, 500);
    for (let i = 0; i < 29; i++) {
      clock.advance(MIN / 2);
      await bulkSetScore(accountId, ids, 500 + i);
      clock.advance(MIN / 2);
    }
    // at t0+29m, writes still arrive every minute; the next tick (t0+30m30s) would be past the deadline
    expect(clock.now()).to.equal(t0 + 29 * MIN);
    expect(await sweptIds({ nextTickAt: clock.now() + 30_000 })).not.to.include(seg);
    clock.advance(30_000);
    expect(await sweptIds({ nextTickAt: clock.now() + 60_000 })).to.include(seg);
    await runner.drain();
  });

  it('invariant 3: the debounce starts the refresh once writes stay quiet for 2 minutes', async () => {
    const { accountId, ids } = await account(2);
    const seg = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: '>=', value: 100 }] });
    await bulkSetScore(accountId, [ids[0]], 200);
    clock.advance(MIN);
    await bulkSetScore(accountId, [ids[1]], 200);
    clock.advance(MIN + 59_999);
    expect(await sweptIds()).not.to.include(seg);
    clock.advance(1);
    expect(await sweptIds()).to.include(seg);
    await runner.drain();
    expect(await memberIds(seg)).to.deep.equal(ids);
  });

  it('invariant 4: 50 bulk writes before the sweep cost exactly one refresh per segment', async () => {
    const { accountId, ids } = await account(60);
    const a = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: '>=', value: 1000 }] });
    const b = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: '<', value: 1000 }] });
    for (let i = 0; i < 50; i++) {
      await bulkSetScore(accountId, [ids[i]], 1000 + i);
      clock.advance(1000);
    }
    clock.advance(2 * MIN);
    const swept = await s.segments.sweepOnce();
    expect(swept.filter((d) => d.id === a || d.id === b)).to.have.length(2);
    // a second sweep before the job runs joins the queued job
    const again = await s.segments.sweepOnce();
    expect(again.filter((d) => d.id === a || d.id === b).every((d) => d.joined)).to.equal(true);
    await runner.drain();
    for (const seg of [a, b]) {
      const hist = (await s.segments.history(accountId, seg)).filter((h) => h.reason === 'sweep');
      expect(hist).to.have.length(1);
      expect(hist[0]).to.include({ mode: 'incremental', status: 'done', changedContacts: 50 });
    }
    expect(await memberIds(a)).to.deep.equal(ids.slice(0, 50));
    expect(await memberIds(b)).to.deep.equal(ids.slice(50));
    expect((await s.segments.get(accountId, a)).contacts).to.equal(50);
    expect((await s.segments.get(accountId, b)).contacts).to.equal(10);
    // every real-time segment applied the changes, so the change log is pruned
    expect(Number((await s.store.knex('contact_changes').where({ account_id: accountId }).count({ n: '*' }).first())?.n)).to.equal(0);
  });

  it('one pass serves every queued incremental refresh of the account; full, behavioural and leased ones run alone', async () => {
    const { accountId, ids } = await account(12);
    const a = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: '>=', value: 1000 }] });
    const b = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: '<', value: 1000 }] });
    const c = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: '>=', value: 5 }] });
    const d = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: 'between', values: [1000, 1005] }] });
    const [campaignId] = await s.store.knex('campaigns').insert({ account_id: accountId, name: 'Batch', status: 'Sent', created_at: clock.now(), updated_at: clock.now() });
    const e = await newSegment(accountId, { all: [{ campaign: Number(campaignId), op: 'sent' }] });
    await bulkSetScore(accountId, ids.slice(0, 8), 1000);
    // c gets new rules (a full recompute) and d's job is held by another, live process: neither may join the batch
    await s.segments.update(accountId, c, { rules: { all: [{ dataField: 'SCORE', op: '>=', value: 10 }] } });
    clock.advance(2 * MIN);
    expect((await s.segments.sweepOnce()).map((x) => x.id)).to.include.members([a, b, c, d]);
    const jobOf = async (seg: number) => (await s.store.knex('jobs').where({ ref: String(seg) }).orderBy('id', 'desc').first())!;
    await s.store.knex('jobs').where({ id: (await jobOf(d)).id }).update({ status: 'running', lease_owner: 'other-process', lease_until: clock.now() + MIN });
    // a behavioural segment asked for a refresh at the same time is recomputed in full on its own
    await s.store.knex('activities').insert({ account_id: accountId, event_id: `batch-${ids[3]}`, campaign_id: campaignId, contact_id: ids[3], type: 'sent', occurred_at: clock.now() });
    await s.segments.requestRefresh(accountId, e);
    expect(await runner.drain()).to.equal(3); // a (with b in its pass), then c and e alone
    const last = async (seg: number) => (await s.segments.history(accountId, seg))[0];
    const [ha, hb, hc] = [await last(a), await last(b), await last(c)];
    expect(ha).to.include({ mode: 'incremental', status: 'done', reason: 'sweep', changedContacts: 8 });
    expect(hb).to.include({ mode: 'incremental', status: 'done', reason: 'sweep', changedContacts: 8, owner: ha.owner, startedAt: ha.startedAt });
    expect(hb.jobId).to.equal((await jobOf(b)).id);
    expect(hc).to.include({ mode: 'full', status: 'done' });
    expect(await last(e)).to.include({ mode: 'full', status: 'done', reason: 'manual' });
    expect(await memberIds(e)).to.deep.equal([ids[3]]);
    for (const seg of [a, b]) expect(await jobOf(seg)).to.include({ status: 'done', attempts: 1 });
    expect(await jobOf(d)).to.include({ status: 'running', lease_owner: 'other-process' });
    expect(await memberIds(a)).to.deep.equal(ids.slice(0, 8));
    expect(await memberIds(b)).to.deep.equal(ids.slice(8));
    expect(await memberIds(c)).to.deep.equal([...ids.slice(0, 8), ids[10], ids[11]]);
    for (const seg of [a, b, c]) expect(await s.segments.get(accountId, seg)).to.include({ pendingRefresh: false, staleSince: null, refreshStatus: 'Finished' });
    expect((await s.segments.get(accountId, d)).pendingRefresh).to.equal(true);
    // the other process dies: once its lease runs out, d is taken over and refreshed on its own
    clock.advance(MIN + 1);
    expect(await runner.drain()).to.equal(1);
    expect(await last(d)).to.include({ mode: 'incremental', status: 'done' });
    expect(await memberIds(d)).to.deep.equal(ids.slice(0, 8));
    expect((await s.segments.get(accountId, d)).pendingRefresh).to.equal(false);
  });

  // why: only SQLite has a per-connection page cache to widen; on MySQL/MariaDB the buffer pool is the server's.
  if (testEngine() === 'sqlite') {
    it('SQLite: a refresh runs with the wider page cache and sets the default back, also when it fails', async () => {
      const cacheSize = async () => Number(Object.values((await s.store.knex.raw('PRAGMA cache_size'))[0] as object)[0]);
      const { accountId, ids } = await account(3);
      const seg = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: '>=', value: 100 }] });
      await bulkSetScore(accountId, ids, 100);
      let during: number | undefined;
      await s.segments.requestRefresh(accountId, seg);
      // read the cache size from inside the refresh's own transaction, through the repo it writes with
      const proto = Object.getPrototypeOf(s.store.repos.segments) as { finishRefresh: (...a: unknown[]) => Promise<void> };
      const real = proto.finishRefresh;
      proto.finishRefresh = async function (this: { db: { raw(q: string): Promise<unknown> } }, ...a: unknown[]) {
        during = Number(Object.values(((await this.db.raw('PRAGMA cache_size')) as object[])[0])[0]);
        return real.apply(this, a);
      };
      try {
        await runner.drain();
      } finally {
        proto.finishRefresh = real;
      }
      expect(during).to.equal(-64 * 1024);
      expect(await cacheSize()).to.equal(-2000);
      expect(await memberIds(seg)).to.deep.equal(ids);
      // a refresh that fails sets the default back as well
      await bulkSetScore(accountId, ids, 5);
      await s.segments.requestRefresh(accountId, seg);
      proto.finishRefresh = async () => {
        throw new Error('disk full');
      };
      try {
        await runner.drain();
      } finally {
        proto.finishRefresh = real;
      }
      expect((await s.segments.history(accountId, seg))[0]).to.include({ status: 'failed', error: 'disk full' });
      expect(await cacheSize()).to.equal(-2000);
    });
  }

  it('records a bulk write of 2,500 contacts (a large import chunk) and applies it in one refresh', async () => {
    const { accountId } = await account(0);
    const seg = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: '>', value: 5 }] });
    const now = clock.now();
    for (let i = 0; i < 2500; i += 400) {
      const rows = [];
      for (let k = i; k < Math.min(2500, i + 400); k++) {
        rows.push({ account_id: accountId, email: `big${k}@x.com`, email_key: `big${k}@x.com`, opt_in_type: 'Unknown', email_type: 'Html', audience_type: 'Unknown', status: 'Subscribed', data: '{}', created_at: now, updated_at: now });
      }
      await s.store.knex('contacts').insert(rows);
    }
    const ids = (await s.store.knex('contacts').where({ account_id: accountId }).orderBy('id').select('id')).map((r) => Number(r.id));
    await bulkSetScore(accountId, ids, 9);
    expect((await s.segments.get(accountId, seg)).contacts).to.equal(0);
    clock.advance(2 * MIN);
    await s.segments.sweepOnce();
    await runner.drain();
    expect((await s.segments.get(accountId, seg)).contacts).to.equal(2500);
    expect((await s.segments.history(accountId, seg))[0]).to.include({ mode: 'incremental', changedContacts: 2500 });
  });

  it('invariant 5: an incremental refresh evaluates only the changed contacts; a full refresh recomputes all', async () => {
    const { accountId, ids } = await account(5);
    const seg = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: '>=', value: 3 }] });
    expect(await memberIds(seg)).to.deep.equal([ids[3], ids[4]]);
    // a change behind the engine's back (no hook): an incremental refresh must not look at that contact
    await s.store.knex('contacts').where({ id: ids[0] }).update({ data: JSON.stringify({ SCORE: 99 }) });
    await bulkSetScore(accountId, [ids[1]], 50);
    clock.advance(2 * MIN);
    await s.segments.sweepOnce();
    await runner.drain();
    expect(await memberIds(seg)).to.deep.equal([ids[1], ids[3], ids[4]]);
    expect((await s.segments.history(accountId, seg))[0]).to.include({ mode: 'incremental', changedContacts: 1 });
    await s.segments.requestRefresh(accountId, seg, 'manual', { full: true });
    await runner.drain();
    expect(await memberIds(seg)).to.deep.equal([ids[0], ids[1], ids[3], ids[4]]);
    expect((await s.segments.history(accountId, seg))[0]).to.include({ mode: 'full', memberCount: 4 });
    expect((await s.segments.get(accountId, seg)).contacts).to.equal(4);
  });

  it('invariant 6: a change committed before the refresh is reflected; one committed during it is picked up by the next', async () => {
    const { accountId, ids } = await account(3);
    const seg = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: '>=', value: 10 }] });
    await bulkSetScore(accountId, [ids[0]], 10);
    clock.advance(2 * MIN);
    let during: number | undefined;
    s.segments.testHooks.afterHorizon = async (id) => {
      if (id !== seg || during !== undefined) return;
      clock.advance(5000);
      during = clock.now();
      await bulkSetScore(accountId, [ids[1]], 11);
    };
    await s.segments.sweepOnce();
    await runner.drain();
    expect(during).to.be.a('number');
    expect(await memberIds(seg)).to.deep.equal([ids[0]]);
    const v = await s.segments.get(accountId, seg);
    expect(v.staleSince, 'stays stale from the first unreflected write').to.equal(during);
    expect(v.pendingRefresh).to.equal(true);
    clock.advance(2 * MIN);
    expect(await sweptIds()).to.include(seg);
    await runner.drain();
    expect(await memberIds(seg)).to.deep.equal([ids[0], ids[1]]);
    expect((await s.segments.get(accountId, seg)).staleSince).to.equal(null);
  });

  it('invariant 7: a refresh whose lease was taken over writes nothing', async () => {
    const { accountId, ids } = await account(2);
    const seg = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: '>=', value: 10 }] });
    await bulkSetScore(accountId, ids, 10);
    await s.segments.requestRefresh(accountId, seg);
    const first = await s.jobs.claim(['segment-refresh'], 'dying-process');
    expect(first?.job.ref).to.equal(String(seg));
    s.segments.testHooks.afterHorizon = async () => {
      clock.advance(s.config.jobLeaseMs + 1);
      const taken = await s.jobs.claim(['segment-refresh'], 'healthy-process');
      expect(taken?.takeover).to.equal(true);
    };
    const out = await s.segments.runRefresh(first!.job, { heartbeat: async () => true, takeover: false });
    expect(out.status).to.equal('lost');
    expect(await memberIds(seg)).to.deep.equal([]);
    s.segments.testHooks = {};
    // the healthy process finishes it
    const job = (await s.jobs.get(first!.job.id))!;
    const done = await s.segments.runRefresh(job, { heartbeat: async () => true, takeover: true });
    expect(done.status).to.equal('done');
    await s.jobs.complete(job, 'healthy-process');
    expect(await memberIds(seg)).to.deep.equal(ids);
    const hist = await s.segments.history(accountId, seg);
    expect(hist.filter((h) => h.jobId === job.id).map((h) => [h.owner, h.status])).to.deep.equal([
      ['healthy-process', 'done'],
      ['dying-process', 'failed'],
    ]);
  });

  it('invariant 9: a send to a stale segment queues its refresh first and waits for it', async () => {
    const { accountId, ids } = await account(2);
    const seg = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: '>=', value: 7 }] });
    expect(await s.segments.prepareForSend(accountId, [seg, 987654321])).to.deep.equal([]);
    await bulkSetScore(accountId, [ids[0]], 7);
    expect(await s.segments.prepareForSend(accountId, [seg])).to.deep.equal([seg]);
    expect((await s.segments.refreshStatus(accountId, seg)).status).to.equal('NotFinished');
    await runner.drain();
    expect(await s.segments.prepareForSend(accountId, [seg])).to.deep.equal([]);
    expect(await memberIds(seg)).to.deep.equal([ids[0]]);
    expect((await s.segments.history(accountId, seg))[0]).to.include({ reason: 'send', mode: 'incremental' });
  });

  it('invariant 9: a send waiting for a refresh that keeps failing asks again once a minute, not on every poll', async () => {
    const { accountId, ids } = await account(2);
    const seg = await newSegment(accountId, { all: [{ dataField: 'SCORE', op: '>=', value: 7 }] });
    await bulkSetScore(accountId, [ids[1]], 9);
    const proto = Object.getPrototypeOf(s.store.repos.segments) as { finishRefresh: (...a: unknown[]) => Promise<void> };
    const real = proto.finishRefresh;
    proto.finishRefresh = async () => {
      throw new Error('disk full');
    };
    try {
      expect(await s.segments.prepareForSend(accountId, [seg])).to.deep.equal([seg]);
      expect(await runner.drain()).to.equal(1);
      expect((await s.segments.refreshStatus(accountId, seg)).status).to.equal('Failed');
      // the send polls every second: it keeps waiting, and nothing is queued until a minute after the failure
      for (let i = 0; i < 59; i++) {
        clock.advance(1000);
        expect(await s.segments.prepareForSend(accountId, [seg])).to.deep.equal([seg]);
      }
      expect(await runner.drain()).to.equal(0);
      clock.advance(1000);
      expect(await s.segments.prepareForSend(accountId, [seg])).to.deep.equal([seg]);
      expect(await runner.drain()).to.equal(1);
    } finally {
      proto.finishRefresh = real;
    }
    // once the cause is gone, the next ask a minute later refreshes, and the send may go
    clock.advance(FAILED_REFRESH_RETRY_MS);
    expect(await s.segments.prepareForSend(accountId, [seg])).to.deep.equal([seg]);
    expect(await runner.drain()).to.equal(1);
    expect(await s.segments.prepareForSend(accountId, [seg])).to.deep.equal([]);
    expect(await memberIds(seg)).to.deep.equal([ids[1]]);
    expect((await s.segments.history(accountId, seg)).map((h) => h.status)).to.deep.equal(['done', 'failed', 'failed', 'done']);
  });

  it('invariant 8: behavioural segments change only on request, never on writes', async () => {
    const { accountId, ids } = await account(3);
    const [campaignId] = await s.store.knex('campaigns').insert({ account_id: accountId, name: 'Spring', status: 'Sent', created_at: clock.now(), updated_at: clock.now() });
    const act = (contactId: number, type: string, at: number, n: string) =>
      s.store.knex('activities').insert({ account_id: accountId, event_id: `${n}-${contactId}-${type}`, campaign_id: campaignId, contact_id: contactId, type, occurred_at: at });
    await act(ids[0], 'sent', clock.now() - 40 * 86_400_000, 'a');
    await act(ids[1], 'sent', clock.now(), 'a');
    await act(ids[1], 'open', clock.now(), 'a');
    const opened = await newSegment(accountId, { all: [{ campaign: Number(campaignId), op: 'opened' }] });
    const notOpened = await newSegment(accountId, { all: [{ campaign: 'any', op: 'notOpened', withinDays: 30 }] });
    const sentEver = await newSegment(accountId, { all: [{ campaign: Number(campaignId), op: 'sent' }, { dataField: 'SCORE', op: '<', value: 100 }] });
    expect((await s.segments.get(accountId, opened)).kind).to.equal('behavioural');
    expect(await memberIds(opened)).to.deep.equal([ids[1]]);
    expect(await memberIds(notOpened)).to.deep.equal([]);
    expect(await memberIds(sentEver)).to.deep.equal([ids[0], ids[1]]);
    // new activity and contact writes, single and bulk: nothing changes, nothing goes stale
    await act(ids[2], 'sent', clock.now(), 'b');
    await act(ids[0], 'open', clock.now(), 'b');
    await s.contacts.update(accountId, ids[0], { dataFields: { SCORE: 500 } });
    await bulkSetScore(accountId, [ids[1]], 600);
    clock.advance(40 * MIN);
    expect(await sweptIds()).not.to.include.members([opened, notOpened, sentEver]);
    for (const seg of [opened, notOpened, sentEver]) expect((await s.segments.get(accountId, seg)).staleSince).to.equal(null);
    expect(await memberIds(opened)).to.deep.equal([ids[1]]);
    expect(await memberIds(sentEver)).to.deep.equal([ids[0], ids[1]]);
    // on request: full recompute
    for (const seg of [opened, notOpened, sentEver]) await s.segments.requestRefresh(accountId, seg);
    await runner.drain();
    expect(await memberIds(opened)).to.deep.equal([ids[0], ids[1]]);
    expect(await memberIds(notOpened)).to.deep.equal([ids[2]]);
    expect(await memberIds(sentEver)).to.deep.equal([ids[2]]);
    expect((await s.segments.history(accountId, opened))[0]).to.include({ mode: 'full', status: 'done' });
  });

  describe('invariant 10: time-relative rules do not drift when the UTC day turns', () => {
    const JAN10 = Date.UTC(2032, 0, 10);
    const JAN11 = Date.UTC(2032, 0, 11);
    const JAN12 = Date.UTC(2032, 0, 12);

    /** An account with a Date field LASTORDER: a = Jan 3 noon, b = Jan 9, c = Dec 1, d = no value. */
    async function orders(): Promise<{ accountId: number; a: number; b: number; c: number; d: number }> {
      const { accountId } = await app.newAccount();
      await s.dataFields.create(accountId, { name: 'LASTORDER', type: 'Date' });
      const mk = async (n: string, v?: string) => (await s.contacts.create(accountId, { email: `${n}@x.com`, dataFields: v ? { LASTORDER: v } : {} })).id;
      return { accountId, a: await mk('a', '2032-01-03T12:00:00Z'), b: await mk('b', '2032-01-09T08:00:00Z'), c: await mk('c', '2031-12-01T00:00:00Z'), d: await mk('d') };
    }

    it('stale from midnight (staleSince, refreshDueBy), refreshed by the next sweep in full, members right after', async () => {
      clock.set(JAN10 + 23 * 60 * MIN + 40 * MIN); // Jan 10, 23:40 UTC
      const { accountId, a, b, c } = await orders();
      const recent = await newSegment(accountId, { all: [{ dataField: 'LASTORDER', op: 'withinLastDays', value: 7 }] });
      const lapsed = await newSegment(accountId, { all: [{ dataField: 'LASTORDER', op: 'moreThanDaysAgo', value: 7 }] });
      const fixed = await newSegment(accountId, { all: [{ dataField: 'LASTORDER', op: 'after', value: '2032-01-01' }] });
      // on Jan 10 "the last 7 days" start at Jan 3 00:00: a and b ordered within them, c before them
      expect(await memberIds(recent)).to.deep.equal([a, b]);
      expect(await memberIds(lapsed)).to.deep.equal([c]);
      for (const seg of [recent, lapsed, fixed]) expect(await s.segments.get(accountId, seg)).to.include({ pendingRefresh: false, staleSince: null, refreshDueBy: null });
      clock.advance(19 * MIN); // 23:59: still the same day, nothing to do
      expect(await sweptIds({ nextTickAt: clock.now() + MIN })).to.not.include.members([recent, lapsed, fixed]);
      expect((await s.segments.get(accountId, recent)).pendingRefresh).to.equal(false);

      clock.set(JAN11 + 30_000); // the day turns: Jan 11, 00:00:30, no write has happened
      for (const seg of [recent, lapsed]) {
        const v = await s.segments.get(accountId, seg);
        expect(v, 'freshness after midnight').to.include({ pendingRefresh: true, staleSince: JAN11, refreshDueBy: JAN11 + 30 * MIN });
        expect(segmentState(v)).to.equal('stale');
      }
      expect(await s.segments.get(accountId, fixed)).to.include({ pendingRefresh: false, staleSince: null }); // no relative rule
      expect(await s.segments.oldestStaleAgeSeconds()).to.be.at.least(30);
      // members are still Jan 10's until the refresh
      expect(await memberIds(recent)).to.deep.equal([a, b]);

      clock.set(JAN11 + MIN); // the first sweep tick after midnight queues both (reason 'day'), well within the max delay
      const swept = await s.segments.sweepOnce({ nextTickAt: clock.now() + MIN });
      expect(swept.filter((d) => d.id === recent || d.id === lapsed).map((d) => d.reason)).to.deep.equal(['day', 'day']);
      expect(swept.map((d) => d.id)).to.not.include(fixed);
      await runner.drain();
      expect(clock.now()).to.be.below(JAN11 + 30 * MIN);
      // on Jan 11 the last 7 days start at Jan 4 00:00: a (Jan 3) has left "recent" and joined "lapsed"
      expect(await memberIds(recent)).to.deep.equal([b]);
      expect(await memberIds(lapsed)).to.deep.equal([a, c]);
      for (const seg of [recent, lapsed]) {
        expect(await s.segments.get(accountId, seg)).to.include({ pendingRefresh: false, staleSince: null, refreshDueBy: null, lastRefreshed: JAN11 + MIN });
        expect((await s.segments.history(accountId, seg))[0]).to.include({ reason: 'day', mode: 'full', status: 'done' });
      }
      expect((await s.segments.get(accountId, recent)).contacts).to.equal(1);
      // fresh for the rest of Jan 11; stale again from Jan 12 00:00
      clock.set(JAN12 - 1);
      expect((await s.segments.get(accountId, recent)).pendingRefresh).to.equal(false);
      expect(await sweptIds({ nextTickAt: clock.now() + MIN })).to.not.include(recent);
      clock.set(JAN12 + 1);
      expect(await s.segments.get(accountId, recent)).to.include({ pendingRefresh: true, staleSince: JAN12, refreshDueBy: JAN12 + 30 * MIN });
      await s.segments.sweepOnce();
      await runner.drain();
    });

    it('a day turn during bulk writes waits for them to go quiet, but never past midnight + the max delay', async () => {
      clock.set(Date.UTC(2032, 1, 1, 23, 50));
      const { accountId, a } = await orders();
      const recent = await newSegment(accountId, { all: [{ dataField: 'LASTORDER', op: 'withinLastDays', value: 7 }] });
      const feb2 = Date.UTC(2032, 1, 2);
      let startedAt: number | undefined;
      // an import writes a chunk every minute from 00:05 (stale since 00:05, its own max delay would be 00:35)
      for (let t = feb2 + 5 * MIN; t <= feb2 + 40 * MIN && startedAt === undefined; t += MIN) {
        clock.set(t);
        await s.store.tx((r) => hooks.bulkWrite(r, accountId, [a]));
        expect((await s.segments.get(accountId, recent)).staleSince).to.equal(feb2);
        if ((await sweptIds({ nextTickAt: t + MIN })).includes(recent)) startedAt = t;
      }
      // coalesced with the import while it lasts, started by the last tick before midnight + 30 min
      expect(startedAt).to.equal(feb2 + 29 * MIN);
      await runner.drain();
      expect(await s.segments.get(accountId, recent)).to.include({ staleSince: null, pendingRefresh: false });
      expect((await s.segments.history(accountId, recent))[0]).to.include({ mode: 'full', status: 'done' });
    });

    it('a send after midnight but before the sweep goes to the refreshed audience', async () => {
      clock.set(Date.UTC(2032, 2, 10, 22, 0));
      const { accountId, a, b, c } = await orders();
      const lapsed = await newSegment(accountId, { all: [{ dataField: 'LASTORDER', op: 'moreThanDaysAgo', value: 7 }] });
      await s.contacts.update(accountId, b, { dataFields: { LASTORDER: '2032-03-03T09:00:00Z' } }); // 7 days before Mar 10
      expect(await memberIds(lapsed)).to.deep.equal([a, c]);
      const campaign = await s.campaigns.create(accountId, { name: 'Win-back', subject: 'We miss you' });
      clock.set(Date.UTC(2032, 2, 11, 0, 0, 10)); // Mar 11: b's order is now more than 7 days old; no sweep has run
      expect((await s.segments.get(accountId, lapsed)).pendingRefresh).to.equal(true);
      const send = await s.sends.send(accountId, { campaignId: campaign.id, addressBookIds: [lapsed] });
      await settle(allJobsRunner(s), s, clock);
      expect(await s.sends.get(accountId, send.id)).to.deep.include({ status: 'Sent', recipients: 3, refreshedSegments: [lapsed] });
      expect((await s.sends.recipients(accountId, send.id, {})).map((r) => r.email).sort()).to.deep.equal(['a@x.com', 'b@x.com', 'c@x.com']);
      expect(await memberIds(lapsed)).to.deep.equal([a, b, c]);
      expect((await s.segments.history(accountId, lapsed))[0]).to.include({ reason: 'send', mode: 'full', status: 'done' });
    });
  });
});
