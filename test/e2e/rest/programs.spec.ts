import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { Reply, RestClient, WITH_EXTENSIONS } from '../../helpers/rest';
import { allJobsRunner } from '../../helpers/sends';
import { FakeClock } from '../../../src/lib/clock';
import { JobRunner } from '../../../src/jobs/runner';

// Programs and enrolments over REST: the vendor routes answer the vendor shapes; an enrolment is a job on the shared
// queue that refreshes stale segments first, records each enrolled contact in the outbox and reports faults in the
// vendor's error codes.

describe('REST programs and enrolments', () => {
  let app: TestApp;
  let clock: FakeClock;
  let runner: JobRunner;
  let login: TestLogin;
  let api: RestClient;
  before(async () => {
    clock = new FakeClock(Date.UTC(2030, 10, 1, 9, 0, 0));
    app = await startApp({ clock });
    runner = allJobsRunner(app.services);
  });
  beforeEach(async () => {
    login = await app.newAccount();
    api = new RestClient(app.baseUrl, login, undefined, WITH_EXTENSIONS);
  });
  after(() => app.close());

  const ok = (r: Reply) => {
    expect(r.status, r.text).to.be.within(200, 299);
    return r.body;
  };
  /** Runs due jobs until none is queued, moving the fake clock past a waiting job's postponement (never a sleep). */
  const settle = async () => {
    for (let i = 0; i < 8; i++) {
      await runner.drain();
      const c = await app.services.jobs.counts(['program-enrolment', 'segment-refresh']);
      if (c.queued === 0 && c.running === 0) return;
      clock.advance(app.services.config.sendSegmentWaitMs);
    }
  };
  const contact = async (email: string, book?: number) =>
    ok(await api.post(book ? `/v2/address-books/${book}/contacts` : '/v2/contacts', { email })).id as number;

  it('programs: defined by the operator (extension), listed and read on the vendor routes; another account gets 404', async () => {
    const p = await api.post('/v2/programs', { name: 'Welcome', status: 'Active' });
    expect(p.status).to.equal(201);
    expect(Object.keys(p.body)).to.deep.equal(['id', 'name', 'status', 'dateCreated']);
    const draft = ok(await api.post('/v2/programs', { name: 'Winback' }));
    expect(draft.status).to.equal('Draft');
    expect(ok(await api.get('/v2/programs')).map((x: { name: string }) => x.name)).to.deep.equal(['Welcome', 'Winback']);
    expect(ok(await api.get('/v2/programs?select=1&skip=1')).map((x: { name: string }) => x.name)).to.deep.equal(['Winback']);
    expect(ok(await api.put(`/v2/programs/${draft.id}`, { status: 'Deactivated' })).status).to.equal('Deactivated');
    const other = new RestClient(app.baseUrl, await app.newAccount());
    const r = await other.get(`/v2/programs/${p.body.id}`);
    expect(r.status).to.equal(404);
    expect(r.body.message).to.match(/ERROR_PROGRAM_NOT_FOUND$/);
    expect((await api.put(`/v2/programs/${draft.id}`, { status: 'Running' })).status).to.equal(400);
  });

  it('an enrolment is a job: enrols Subscribed contacts into the outbox, reports unknown and suppressed contacts', async () => {
    const prog = ok(await api.post('/v2/programs', { name: 'Welcome', status: 'Active' })).id;
    const book = ok(await api.post('/v2/address-books', { name: 'Shop' })).id;
    const ann = await contact('ann@x.com', book);
    const bob = await contact('bob@x.com', book);
    const cat = await contact('cat@x.com');
    ok(await api.post('/v2/contacts/unsubscribe', { email: 'cat@x.com' }));
    const r = await api.post('/v2/programs/enrolments', { programId: prog, contacts: [cat, 999999, ann], addressBooks: [book] });
    expect(r.status).to.equal(201);
    expect(r.body).to.deep.include({ programId: prog, status: 'Processing', contacts: [cat, 999999, ann], addressBooks: [book], enrolled: null });
    // Not finished yet: no faults report.
    expect((await api.get(`/v2/programs/enrolments/${r.body.id}/report-faults`)).status).to.equal(404);
    await settle();
    const e = ok(await api.get(`/v2/programs/enrolments/${r.body.id}`));
    expect(e).to.deep.include({ status: 'Finished', enrolled: 2 });
    const enrolled = await app.services.programs.enrolled(login.accountId, r.body.id);
    expect(enrolled).to.deep.equal([
      { contactId: ann, email: 'ann@x.com', programId: prog },
      { contactId: bob, email: 'bob@x.com', programId: prog },
    ]);
    // The enrolled contacts are consumable outbox rows of kind program (docs/outbox.md).
    const rows = ok(await api.get('/v2/outbox?kind=program')) as Array<Record<string, unknown>>;
    expect(rows.map((x) => [x.kind, x.sendId, x.email, x.programId])).to.deep.equal([
      ['program', r.body.id, 'ann@x.com', prog],
      ['program', r.body.id, 'bob@x.com', prog],
    ]);
    const faults = await api.get(`/v2/programs/enrolments/${r.body.id}/report-faults`);
    expect(faults.status).to.equal(200);
    expect(faults.headers.get('content-type')).to.match(/^text\/csv/);
    expect(faults.text).to.equal(`ContactId,Reason\r\n${cat},ERROR_CONTACT_SUPPRESSED\r\n999999,ERROR_CONTACT_NOT_FOUND\r\n`);
    // By status, newest first; the vendor shape without the switch.
    const plain = new RestClient(app.baseUrl, login);
    const fin = ok(await plain.get('/v2/programs/enrolments/Finished'));
    expect(fin.map((x: { id: string }) => x.id)).to.deep.equal([r.body.id]);
    expect(Object.keys(fin[0])).to.deep.equal(['id', 'programId', 'status', 'dateCreated', 'contacts', 'addressBooks']);
    expect(ok(await plain.get('/v2/programs/enrolments/Processing'))).to.deep.equal([]);
    expect((await plain.get('/v2/programs/enrolments/Sleeping')).status).to.equal(400);
  });

  it('a program that is not active enrols nobody: every contact is reported ERROR_PROGRAM_NOT_ACTIVE', async () => {
    const prog = ok(await api.post('/v2/programs', { name: 'Later', status: 'Draft' })).id;
    const ann = await contact('ann@x.com');
    const e = ok(await api.post('/v2/programs/enrolments', { programId: prog, contacts: [ann] }));
    await settle();
    expect(ok(await api.get(`/v2/programs/enrolments/${e.id}`))).to.deep.include({ status: 'Finished', enrolled: 0 });
    expect((await api.get(`/v2/programs/enrolments/${e.id}/report-faults`)).text).to.equal(`ContactId,Reason\r\n${ann},ERROR_PROGRAM_NOT_ACTIVE\r\n`);
  });

  it('an enrolment of a stale segment refreshes it first, like a send', async () => {
    const prog = ok(await api.post('/v2/programs', { name: 'VIP', status: 'Active' })).id;
    ok(await api.post('/v2/data-fields', { name: 'TIER', type: 'String' }));
    const seg = ok(await api.post('/v2/segments', { name: 'Gold', rules: { all: [{ dataField: 'TIER', op: 'equals', value: 'Gold' }] } })).id;
    await contact('ann@x.com');
    const imp = ok(await api.post('/v2/contacts/import', { fileName: 'g.csv', data: Buffer.from('Email,TIER\nann@x.com,Gold\nbob@x.com,Gold\n').toString('base64') })).id;
    await runner.drain();
    expect(ok(await api.get(`/v2/contacts/import/${imp}`)).status).to.equal('Finished');
    expect(ok(await api.get(`/v2/segments/${seg}`)).pendingRefresh).to.equal(true);
    const e = ok(await api.post('/v2/programs/enrolments', { programId: prog, addressBooks: [seg] }));
    await settle();
    const done = ok(await api.get(`/v2/programs/enrolments/${e.id}`));
    expect(done).to.deep.include({ status: 'Finished', enrolled: 2, refreshedSegments: [seg] });
    expect((await app.services.programs.enrolled(login.accountId, e.id)).map((x) => x.email)).to.deep.equal(['ann@x.com', 'bob@x.com']);
  });

  it('refuses an unknown program, an empty enrolment, another account\'s book and a bad id list, writing nothing', async () => {
    const prog = ok(await api.post('/v2/programs', { name: 'Welcome', status: 'Active' })).id;
    const cases: Array<[unknown, number, string]> = [
      [{ programId: 999999, contacts: [1] }, 404, 'ERROR_PROGRAM_NOT_FOUND'],
      [{ programId: prog }, 400, 'ERROR_PROGRAM_ENROLMENT_INVALID'],
      [{ programId: prog, contacts: ['x'] }, 400, 'ERROR_PROGRAM_ENROLMENT_INVALID'],
      [{ programId: prog, contacts: new Array(10_001).fill(1) }, 400, 'ERROR_PROGRAM_ENROLMENT_INVALID'],
      [{ programId: prog, addressBooks: [999999] }, 404, 'ERROR_ADDRESSBOOK_NOT_FOUND'],
    ];
    for (const [body, status, token] of cases) {
      const r = await api.post('/v2/programs/enrolments', body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).to.equal(status);
      expect(r.body.message).to.match(new RegExp(`${token}$`));
    }
    expect(ok(await api.get('/v2/programs/enrolments/Processing'))).to.deep.equal([]);
    expect((await api.get('/v2/programs/enrolments/00000000-0000-0000-0000-000000000000')).status).to.equal(404);
  });

  it('takes the largest enrolment (10,000 contact ids): every id is enrolled or reported', async () => {
    const prog = ok(await api.post('/v2/programs', { name: 'Big', status: 'Active' })).id;
    const ids = Array.from({ length: 10_000 }, (_, i) => 2_000_000_000 + i);
    ids[0] = await contact('ann@x.com');
    const e = await api.post('/v2/programs/enrolments', { programId: prog, contacts: ids });
    expect(e.status, e.text).to.equal(201);
    expect(e.body.contacts).to.have.length(10_000);
    await settle();
    expect(ok(await api.get(`/v2/programs/enrolments/${e.body.id}`))).to.deep.include({ status: 'Finished', enrolled: 1 });
    expect((await api.get(`/v2/programs/enrolments/${e.body.id}/report-faults`)).text.trim().split('\r\n')).to.have.length(1 + 9_999);
  });
});
