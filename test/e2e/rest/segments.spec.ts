import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient, WITH_EXTENSIONS } from '../../helpers/rest';
import { FakeClock } from '../../../src/lib/clock';
import { JobRunner } from '../../../src/jobs/runner';
import { registerSegmentJobs } from '../../../src/jobs/segmentJobs';

const MIN = 60_000;

describe('REST v2: segments (rules, real-time writes, deferred bulk refresh, freshness)', () => {
  let app: TestApp;
  let clock: FakeClock;
  let runner: JobRunner;
  before(async () => {
    clock = new FakeClock(Date.UTC(2030, 0, 1, 12, 0, 0));
    app = await startApp({ clock });
    runner = new JobRunner(app.services.jobs, 'test-runner', { pollMs: 10 });
    registerSegmentJobs(runner, app.services);
  });
  after(() => app.close());

  /** A fresh account with fields COLOUR (String), AGE (Numeric), BORN (Date), VIP (Boolean) and one book. */
  async function setup(): Promise<{ api: RestClient; login: TestLogin; book: number }> {
    const login = await app.newAccount();
    const api = new RestClient(app.baseUrl, login, undefined, WITH_EXTENSIONS);
    for (const [name, type] of [['COLOUR', 'String'], ['AGE', 'Numeric'], ['BORN', 'Date'], ['VIP', 'Boolean']]) {
      const r = await api.post('/v2/data-fields', { name, type });
      expect(r.status, r.text).to.equal(201);
    }
    const b = await api.post('/v2/address-books', { name: 'Book A' });
    expect(b.status, b.text).to.equal(201);
    return { api, login, book: b.body.id };
  }

  async function contact(api: RestClient, email: string, fields: Record<string, unknown> = {}): Promise<number> {
    const r = await api.post('/v2/contacts', { email, dataFields: Object.entries(fields).map(([key, value]) => ({ key, value })) });
    expect(r.status, r.text).to.equal(201);
    return r.body.id;
  }

  async function members(api: RestClient, id: number): Promise<string[]> {
    const r = await api.get(`/v2/segments/${id}/contacts?select=1000`);
    expect(r.status, r.text).to.equal(200);
    return r.body.map((c: { email: string }) => c.email).sort();
  }

  async function segment(api: RestClient, rules: unknown, name = `S${Math.random().toString(36).slice(2, 8)}`): Promise<number> {
    const r = await api.post('/v2/segments', { name, rules });
    expect(r.status, r.text).to.equal(201);
    await runner.drain();
    return r.body.id;
  }

  it('creates a segment (extension), queues its full computation and tells the truth about it', async () => {
    const { api } = await setup();
    await contact(api, 'blue@x.com', { COLOUR: 'Blue' });
    await contact(api, 'red@x.com', { COLOUR: 'Red' });
    const r = await api.post('/v2/segments', { Name: 'Blues', Rules: { all: [{ dataField: 'colour', op: 'equals', value: 'blue' }] } });
    expect(r.status, r.text).to.equal(201);
    expect(r.body).to.include({ name: 'Blues', contacts: 0, kind: 'realtime', lastRefreshed: null, pendingRefresh: true, staleSince: null });
    expect(r.body.refreshDueBy).to.equal(new Date(clock.now()).toISOString());
    expect(r.body.rules).to.deep.equal({ all: [{ dataField: 'COLOUR', op: 'equals', value: 'blue' }] });
    expect((await api.get(`/v2/segments/refresh/${r.body.id}`)).body).to.deep.equal({ id: r.body.id, status: 'NotFinished' });
    await runner.drain();
    const g = await api.get(`/v2/segments/${r.body.id}`);
    expect(g.body).to.include({ contacts: 1, pendingRefresh: false, staleSince: null, refreshDueBy: null, lastRefreshed: new Date(clock.now()).toISOString() });
    expect(await members(api, r.body.id)).to.deep.equal(['blue@x.com']);
    expect((await api.get(`/v2/segments/refresh/${r.body.id}`)).body).to.deep.equal({ id: r.body.id, status: 'Finished' });
    const list = await api.get('/v2/segments?select=10&skip=0');
    expect(list.status).to.equal(200);
    expect(Object.keys(list.body[0])).to.deep.equal(['id', 'name', 'contacts', 'kind', 'lastRefreshed', 'pendingRefresh', 'staleSince', 'refreshDueBy']);
    expect(list.body[0]).to.include({ id: r.body.id, name: 'Blues', contacts: 1 });
  });

  it('a strict vendor client (no extensions switch) gets exactly ApiSegment; the extension routes keep the freshness fields', async () => {
    const { api, login } = await setup();
    const id = await segment(api, { all: [{ dataField: 'COLOUR', op: 'equals', value: 'Blue' }] }, 'Strict');
    const strict = new RestClient(app.baseUrl, login);
    const list = await strict.get('/v2/segments');
    expect(list.status, list.text).to.equal(200);
    expect(list.body.map((g: object) => Object.keys(g))).to.deep.equal([['id', 'name', 'contacts']]);
    expect(list.body[0]).to.deep.equal({ id, name: 'Strict', contacts: 0 });
    expect((await strict.get('/v2/segments', { 'X-Contactgate-Extensions': 'TRUE' })).body[0]).to.include.keys('kind', 'lastRefreshed', 'pendingRefresh', 'staleSince', 'refreshDueBy');
    // XML answers are written from the vendor's data types: no extension elements even with the switch.
    const xml = await strict.get('/v2/segments', { Accept: 'application/xml', 'X-Contactgate-Extensions': 'true' });
    expect(xml.status, xml.text).to.equal(200);
    expect(xml.text).to.include('<Name>Strict</Name>');
    expect(xml.text).not.to.match(/Kind|Refresh|Stale/i);
    const one = await strict.get(`/v2/segments/${id}`);
    expect(one.body).to.include({ id, pendingRefresh: false, kind: 'realtime' });
    expect(one.body).to.include.keys('lastRefreshed', 'staleSince', 'refreshDueBy', 'rules');
  });

  it('invariant 1: a single write updates real-time membership before the response', async () => {
    const { api, book } = await setup();
    const seg = await segment(api, { all: [{ dataField: 'COLOUR', op: 'equals', value: 'Green' }, { addressBook: book, op: 'in' }] });
    const id = await contact(api, 'g@x.com', { COLOUR: 'Green' });
    expect(await members(api, seg)).to.deep.equal([]);
    const add = await api.post(`/v2/address-books/${book}/contacts`, { email: 'g@x.com' });
    expect(add.status, add.text).to.equal(200);
    expect(await members(api, seg)).to.deep.equal(['g@x.com']);
    expect((await api.get(`/v2/segments/${seg}`)).body).to.include({ contacts: 1, pendingRefresh: false });
    const up = await api.put(`/v2/contacts/${id}`, { dataFields: [{ key: 'COLOUR', value: 'Grey' }] });
    expect(up.status, up.text).to.equal(200);
    expect(await members(api, seg)).to.deep.equal([]);
    await api.put(`/v2/contacts/${id}`, { dataFields: [{ key: 'COLOUR', value: 'Green' }] });
    expect(await members(api, seg)).to.deep.equal(['g@x.com']);
    expect((await api.delete(`/v2/address-books/${book}/contacts/${id}`)).status).to.equal(204);
    expect(await members(api, seg)).to.deep.equal([]);
    await api.post(`/v2/address-books/${book}/contacts`, { email: 'g@x.com' });
    expect((await api.get(`/v2/segments/${seg}`)).body.contacts).to.equal(1);
    expect((await api.delete(`/v2/contacts/${id}`)).status).to.equal(204);
    expect((await api.get(`/v2/segments/${seg}`)).body.contacts).to.equal(0);
    expect(await members(api, seg)).to.deep.equal([]);
  });

  it('unsubscribe and resubscribe are single writes too', async () => {
    const { api } = await setup();
    const seg = await segment(api, { all: [{ contact: 'status', op: 'equals', value: 'Subscribed' }] });
    await contact(api, 'u@x.com');
    expect(await members(api, seg)).to.deep.equal(['u@x.com']);
    expect((await api.post('/v2/contacts/unsubscribe', { email: 'u@x.com' })).status).to.equal(200);
    expect(await members(api, seg)).to.deep.equal([]);
    const re = await api.post('/v2/contacts/resubscribe', { unsubscribedContact: { email: 'u@x.com' } });
    expect(re.status, re.text).to.equal(200);
    expect(await members(api, seg)).to.deep.equal(['u@x.com']);
  });

  it('invariants 2, 3, 9: a bulk write is invisible until the sweep, which waits for the quiet period; freshness says so', async () => {
    const { api, book, login } = await setup();
    const ids: number[] = [];
    for (const e of ['a@x.com', 'b@x.com', 'c@x.com']) {
      await api.post(`/v2/address-books/${book}/contacts`, { email: e });
      ids.push((await api.get(`/v2/contacts/${e}`)).body.id);
    }
    const seg = await segment(api, { all: [{ addressBook: book, op: 'in' }] });
    expect(await members(api, seg)).to.have.length(3);
    const t0 = clock.now();
    const del = await api.post(`/v2/address-books/${book}/contacts/delete`, [ids[0], ids[1]]);
    expect(del.status, del.text).to.equal(202);
    // not visible yet: members as of the last refresh
    expect(await members(api, seg)).to.have.length(3);
    let v = (await api.get(`/v2/segments/${seg}`)).body;
    expect(v).to.include({ contacts: 3, pendingRefresh: true, staleSince: new Date(t0).toISOString(), refreshDueBy: new Date(t0 + 2 * MIN).toISOString() });
    expect((await api.get(`/v2/segments/refresh/${seg}`)).body.status).to.equal('Finished');
    clock.advance(MIN);
    expect((await app.services.segments.sweepOnce()).map((d) => d.id)).not.to.include(seg);
    await runner.drain();
    expect(await members(api, seg)).to.have.length(3);
    clock.advance(MIN);
    const queued = await app.services.segments.sweepOnce();
    expect(queued.find((d) => d.id === seg)).to.deep.include({ reason: 'sweep', joined: false });
    v = (await api.get(`/v2/segments/${seg}`)).body;
    expect(v).to.include({ pendingRefresh: true });
    expect((await api.get(`/v2/segments/refresh/${seg}`)).body.status).to.equal('NotFinished');
    await runner.drain();
    expect(await members(api, seg)).to.deep.equal(['c@x.com']);
    v = (await api.get(`/v2/segments/${seg}`)).body;
    expect(v).to.include({ contacts: 1, pendingRefresh: false, staleSince: null, refreshDueBy: null, lastRefreshed: new Date(clock.now()).toISOString() });
    const hist = await app.services.segments.history(login.accountId, seg);
    expect(hist[0]).to.include({ mode: 'incremental', status: 'done', changedContacts: 2, memberCount: 1, reason: 'sweep' });
  });

  it('remove-all from a book is a bulk write as well', async () => {
    const { api, book } = await setup();
    await api.post(`/v2/address-books/${book}/contacts`, { email: 'r1@x.com' });
    const seg = await segment(api, { any: [{ addressBook: book, op: 'in' }] });
    expect((await api.delete(`/v2/address-books/${book}/contacts`)).status).to.equal(204);
    expect((await api.get(`/v2/segments/${seg}`)).body).to.include({ contacts: 1, pendingRefresh: true });
    clock.advance(2 * MIN);
    await app.services.segments.sweepOnce();
    await runner.drain();
    expect((await api.get(`/v2/segments/${seg}`)).body).to.include({ contacts: 0, pendingRefresh: false });
  });

  it('vendor refresh route: 202 NotFinished, repeated requests join one job, then Finished', async () => {
    const { api, login } = await setup();
    const seg = await segment(api, { all: [] });
    const a = await api.post(`/v2/segments/refresh/${seg}`, {});
    expect(a.status).to.equal(202);
    expect(a.body).to.deep.equal({ id: seg, status: 'NotFinished' });
    const b = await api.post(`/v2/segments/refresh/${seg}`);
    expect(b.status).to.equal(202);
    expect(await runner.drain()).to.be.greaterThan(0);
    expect((await api.get(`/v2/segments/refresh/${seg}`)).body).to.deep.equal({ id: seg, status: 'Finished' });
    const hist = await app.services.segments.history(login.accountId, seg);
    expect(hist.filter((h) => h.reason === 'manual')).to.have.length(1);
    const missing = await api.get('/v2/segments/refresh/999999999');
    expect(missing.status).to.equal(404);
    expect(missing.body.message).to.match(/ERROR_SEGMENT_NOT_FOUND$/);
    expect((await api.post('/v2/segments/refresh/abc')).status).to.equal(404);
  });

  it('validates rules with vendor-style errors', async () => {
    const { api } = await setup();
    const cases: Array<[unknown, number, RegExp]> = [
      [{ all: [{ dataField: 'NOPE', op: 'equals', value: 'x' }] }, 400, /ERROR_DATAFIELD_NOTFOUND$/],
      [{ all: [{ dataField: 'AGE', op: 'contains', value: 'x' }] }, 400, /ERROR_SEGMENT_INVALID$/],
      [{ all: [{ dataField: 'AGE', op: '>', value: 'abc' }] }, 400, /ERROR_SEGMENT_INVALID$/],
      [{ all: [{ dataField: 'AGE', op: 'between', values: [5, 1] }] }, 400, /ERROR_SEGMENT_INVALID$/],
      [{ all: [{ dataField: 'BORN', op: 'before', value: 'yesterday' }] }, 400, /ERROR_SEGMENT_INVALID$/],
      [{ all: [{ dataField: 'VIP', op: 'equals', value: true }] }, 400, /ERROR_SEGMENT_INVALID$/],
      [{ all: [{ addressBook: 987654321, op: 'in' }] }, 404, /ERROR_ADDRESSBOOK_NOT_FOUND$/],
      [{ all: [{ contact: 'optInType', op: 'equals', value: 'Triple' }] }, 400, /ERROR_SEGMENT_INVALID$/],
      [{ all: [{ campaign: 987654321, op: 'opened' }] }, 404, /ERROR_CAMPAIGN_NOT_FOUND$/],
      [{ both: [] }, 400, /ERROR_SEGMENT_INVALID$/],
      [{ any: [] }, 400, /ERROR_SEGMENT_INVALID$/],
      [[1, 2], 400, /ERROR_SEGMENT_INVALID$/],
      [{ all: [{ whatever: 1 }] }, 400, /ERROR_SEGMENT_INVALID$/],
    ];
    for (const [rules, status, msg] of cases) {
      const r = await api.post('/v2/segments', { name: 'Bad', rules });
      expect(r.status, `${JSON.stringify(rules)} -> ${r.text}`).to.equal(status);
      expect(r.body.message).to.match(msg);
    }
    const noName = await api.post('/v2/segments', { rules: { all: [] } });
    expect(noName.status).to.equal(400);
    await segment(api, { all: [] }, 'Twice');
    expect((await api.post('/v2/segments', { name: 'twice', rules: { all: [] } })).status).to.equal(400);
  });

  it('keeps SQL metacharacters in rule values and names inert', async () => {
    const { api } = await setup();
    await contact(api, 'q1@x.com', { COLOUR: "it's; DROP TABLE contacts; --" });
    await contact(api, 'q2@x.com', { COLOUR: '100% blue_ish' });
    await contact(api, 'q3@x.com', { COLOUR: '1000 blueish' });
    const s1 = await segment(api, { all: [{ dataField: 'COLOUR', op: 'equals', value: "it's; DROP TABLE contacts; --" }] });
    expect(await members(api, s1)).to.deep.equal(['q1@x.com']);
    const s2 = await segment(api, { all: [{ dataField: 'COLOUR', op: 'contains', value: '0% blue_' }] });
    expect(await members(api, s2)).to.deep.equal(['q2@x.com']);
    const s3 = await segment(api, { all: [{ contact: 'email', op: 'domainIs', value: "x.com' OR '1'='1" }] });
    expect(await members(api, s3)).to.deep.equal([]);
    const bad = await api.post('/v2/segments', { name: 'Evil', rules: { all: [{ dataField: 'COLOUR") OR 1=1 --', op: 'isEmpty' }] } });
    expect(bad.status).to.equal(400);
    expect(bad.body.message).to.match(/ERROR_DATAFIELD_NOTFOUND$/);
    const evilName = await segment(api, { all: [] }, `Robert'); DROP TABLE segments; --`);
    expect((await api.get(`/v2/segments/${evilName}`)).body.name).to.equal(`Robert'); DROP TABLE segments; --`);
    expect((await api.get('/v2/contacts?select=10')).body).to.have.length(3);
  });

  it('evaluates every operator family in SQL', async () => {
    const { api, book } = await setup();
    await contact(api, 'p1@alpha.com', { COLOUR: 'Blue', AGE: 30, BORN: '1990-05-17', VIP: true });
    await contact(api, 'p2@beta.org', { COLOUR: 'Bluebell', AGE: 45.5, BORN: '2029-12-25T10:00:00Z', VIP: false });
    await contact(api, 'p3@alpha.com', { AGE: -2 });
    await api.post(`/v2/address-books/${book}/contacts`, { email: 'p3@alpha.com' });
    const expectRule = async (item: unknown, want: string[]) => {
      const id = await segment(api, { all: [item] });
      expect(await members(api, id), JSON.stringify(item)).to.deep.equal(want);
    };
    await expectRule({ dataField: 'COLOUR', op: 'equals', value: 'BLUE' }, ['p1@alpha.com']);
    await expectRule({ dataField: 'COLOUR', op: 'notEquals', value: 'blue' }, ['p2@beta.org', 'p3@alpha.com']);
    await expectRule({ dataField: 'COLOUR', op: 'startsWith', value: 'blu' }, ['p1@alpha.com', 'p2@beta.org']);
    await expectRule({ dataField: 'COLOUR', op: 'endsWith', value: 'bell' }, ['p2@beta.org']);
    await expectRule({ dataField: 'COLOUR', op: 'isEmpty' }, ['p3@alpha.com']);
    await expectRule({ dataField: 'COLOUR', op: 'isNotEmpty' }, ['p1@alpha.com', 'p2@beta.org']);
    await expectRule({ dataField: 'AGE', op: '>=', value: 30 }, ['p1@alpha.com', 'p2@beta.org']);
    await expectRule({ dataField: 'AGE', op: '<', value: '0' }, ['p3@alpha.com']);
    await expectRule({ dataField: 'AGE', op: '!=', value: 30 }, ['p2@beta.org', 'p3@alpha.com']);
    await expectRule({ dataField: 'AGE', op: 'between', values: [29, 46] }, ['p1@alpha.com', 'p2@beta.org']);
    await expectRule({ dataField: 'BORN', op: 'before', value: '2000-01-01' }, ['p1@alpha.com']);
    await expectRule({ dataField: 'BORN', op: 'on', value: '2029-12-25' }, ['p2@beta.org']);
    await expectRule({ dataField: 'BORN', op: 'after', value: '1990-05-17' }, ['p2@beta.org']);
    await expectRule({ dataField: 'BORN', op: 'withinLastDays', value: 30 }, ['p2@beta.org']);
    await expectRule({ dataField: 'BORN', op: 'moreThanDaysAgo', value: 365 }, ['p1@alpha.com']);
    await expectRule({ dataField: 'VIP', op: 'isTrue' }, ['p1@alpha.com']);
    await expectRule({ dataField: 'VIP', op: 'isFalse' }, ['p2@beta.org']);
    await expectRule({ contact: 'email', op: 'domainIs', value: 'ALPHA.com' }, ['p1@alpha.com', 'p3@alpha.com']);
    await expectRule({ contact: 'email', op: 'contains', value: 'beta' }, ['p2@beta.org']);
    await expectRule({ contact: 'optInType', op: 'equals', value: 'unknown' }, ['p1@alpha.com', 'p2@beta.org', 'p3@alpha.com']);
    await expectRule({ contact: 'emailType', op: 'notEquals', value: 'Html' }, []);
    await expectRule({ addressBook: book, op: 'notIn' }, ['p1@alpha.com', 'p2@beta.org']);
    await expectRule({ any: [{ dataField: 'AGE', op: '=', value: 30 }, { all: [{ addressBook: book, op: 'in' }, { dataField: 'AGE', op: '<', value: 0 }] }] }, [
      'p1@alpha.com',
      'p3@alpha.com',
    ]);
  });

  it('PUT changes rules (full recompute) and name; DELETE removes the segment', async () => {
    const { api } = await setup();
    await contact(api, 'k1@x.com', { AGE: 10 });
    await contact(api, 'k2@x.com', { AGE: 20 });
    const seg = await segment(api, { all: [{ dataField: 'AGE', op: '>', value: 15 }] });
    expect(await members(api, seg)).to.deep.equal(['k2@x.com']);
    const put = await api.put(`/v2/segments/${seg}`, { name: 'Young', rules: { all: [{ dataField: 'AGE', op: '<', value: 15 }] } });
    expect(put.status, put.text).to.equal(200);
    expect(put.body).to.include({ name: 'Young', pendingRefresh: true });
    await runner.drain();
    expect(await members(api, seg)).to.deep.equal(['k1@x.com']);
    expect((await api.delete(`/v2/segments/${seg}`)).status).to.equal(204);
    expect((await api.get(`/v2/segments/${seg}`)).status).to.equal(404);
  });

  it('deleting a data field a segment uses answers result false with the segment as dependency', async () => {
    const { api } = await setup();
    const seg = await segment(api, { all: [{ dataField: 'VIP', op: 'isTrue' }] });
    const r = await api.delete('/v2/data-fields/VIP');
    expect(r.body).to.deep.equal({ dependencies: [{ type: 'AddressBook', objectId: seg }], result: false });
    expect((await api.get(`/v2/segments/${seg}`)).status).to.equal(200);
    expect((await api.delete('/v2/data-fields/AGE')).body.result).to.equal(true);
  });
});
