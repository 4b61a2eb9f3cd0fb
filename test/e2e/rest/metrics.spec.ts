import { expect } from 'chai';
import { FakeClock } from '../../../src/lib/clock';
import { createBackground, Background } from '../../../src/jobs';
import { IMPORT_JOB } from '../../../src/services/imports';
import { silentLogger } from '../../../src/lib/logger';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { postRaw, v2Raw, SOAP11 } from '../../helpers/soap';

/** Sum of the samples of a metric whose labels include every given label (0 when none). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

describe('metrics: every family the operators asked for', () => {
  const MIN = 60_000;
  let app: TestApp;
  let login: TestLogin;
  let api: RestClient;
  let bg: Background;
  const clock = new FakeClock(Date.UTC(2031, 5, 1, 8, 0, 0));
  const metrics = () => app.services.metrics.render();
  before(async () => {
    app = await startApp({ clock, config: { importChunkRows: 2 } });
    login = await app.newAccount();
    api = new RestClient(app.baseUrl, login);
    bg = createBackground(app.services, silentLogger);
  });
  after(() => app.close());

  it('counts requests by dialect, operation and status for REST, SOAP v1 and SOAP v2, with latency histograms', async () => {
    const before = await metrics();
    await api.get('/v2/address-books');
    const v1 =
      `<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body><ListAddressBooks xmlns="http://apiconnector.com">` +
      `<username>${login.username}</username><password>${login.password}</password></ListAddressBooks></soap:Body></soap:Envelope>`;
    const r1 = await postRaw(app.baseUrl, '/api.asmx', v1, { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://apiconnector.com/ListAddressBooks"' });
    expect(r1.status, r1.text).to.equal(200);
    const r2 = await v2Raw(app.baseUrl, 'GetServerTime', `<GetServerTime xmlns="http://apiconnector.com/v2"/>`, login);
    expect(r2.status, r2.text).to.equal(200);
    const r3 = await v2Raw(app.baseUrl, 'NoSuchThing', `<NoSuchThing xmlns="http://apiconnector.com/v2"/>`, login);
    expect(r3.status).to.equal(500);
    const after = await metrics();
    const delta = (labels: Record<string, string>) => sample(after, 'contactgate_requests_total', labels) - sample(before, 'contactgate_requests_total', labels);
    expect(delta({ dialect: 'rest', operation: 'GET /v2/address-books', status: '200' })).to.equal(1);
    expect(delta({ dialect: 'soap-v1', operation: 'ListAddressBooks', status: '200' })).to.equal(1);
    expect(delta({ dialect: 'soap-v2', operation: 'GetServerTime', status: '200' })).to.equal(1);
    // an operation name nobody has is one bounded label, never the caller's text
    expect(delta({ dialect: 'soap-v2', operation: '(unknown)', status: '500' })).to.equal(1);
    expect(after).not.to.include('NoSuchThing');
    for (const [dialect, operation] of [
      ['rest', 'GET /v2/address-books'],
      ['soap-v1', 'ListAddressBooks'],
      ['soap-v2', 'GetServerTime'],
    ]) {
      const n = (t: string) => sample(t, 'contactgate_request_duration_seconds_count', { dialect, operation });
      expect(n(after) - n(before), `${dialect} ${operation}`).to.equal(1);
    }
  });

  it('counts import rows by outcome and shows rows/s of a running import, removed when it ends', async () => {
    const before = await metrics();
    const csv = ['Email', 'a1@metrics.test', 'a2@metrics.test', 'not-an-email', 'a3@metrics.test', 'a4@metrics.test', 'a5@metrics.test'].join('\n');
    const up = await api.post('/v2/contacts/import', { fileName: 'm.csv', data: Buffer.from(csv).toString('base64') });
    expect(up.status, up.text).to.equal(202);
    const seen: string[] = [];
    const out = await app.services.imports.runJob(up.body.id, {
      heartbeat: async () => {
        seen.push(await metrics());
        return true;
      },
    });
    expect(out).to.equal('done');
    const after = await metrics();
    const d = (outcome: string) => sample(after, 'contactgate_import_rows_total', { outcome }) - sample(before, 'contactgate_import_rows_total', { outcome });
    expect(d('imported')).to.equal(5);
    expect(d('rejected')).to.equal(1);
    const during = seen.map((t) => sample(t, 'contactgate_import_rows_per_second', { import_id: up.body.id }));
    expect(Math.max(...during), 'rows/s while running').to.be.greaterThan(0);
    expect(after).not.to.include(`import_id="${up.body.id}"`);
  });

  it('counts segment refreshes and their duration, and reports the age of the oldest stale segment', async () => {
    const before = await metrics();
    const book = (await api.post('/v2/address-books', { name: 'metrics book' })).body.id;
    for (const email of ['s1@metrics.test', 's2@metrics.test']) await api.post(`/v2/address-books/${book}/contacts`, { email });
    const seg = await api.post('/v2/segments', { name: 'metrics seg', rules: { all: [{ addressBook: book, op: 'in' }] } });
    expect(seg.status, seg.text).to.equal(201);
    await bg.runner.drain();
    const mid = await metrics();
    const done = (t: string) => sample(t, 'contactgate_segment_refreshes_total', { status: 'done' });
    expect(done(mid) - done(before)).to.be.at.least(1);
    const hist = (t: string) => sample(t, 'contactgate_segment_refresh_duration_seconds_count');
    expect(hist(mid) - hist(before)).to.be.at.least(1);
    // a bulk write leaves it stale until the sweep; the gauge ages with the clock
    const ids = (await api.get(`/v2/address-books/${book}/contacts`)).body.map((c: { id: number }) => c.id);
    expect((await api.post(`/v2/address-books/${book}/contacts/delete`, ids)).status).to.equal(202);
    clock.advance(MIN);
    const age1 = sample(await metrics(), 'contactgate_oldest_stale_segment_age_seconds');
    expect(age1).to.be.at.least(60);
    clock.advance(MIN);
    const age2 = sample(await metrics(), 'contactgate_oldest_stale_segment_age_seconds');
    expect(age2 - age1).to.equal(60);
  });

  it('counts sweeper runs', async () => {
    const n = (t: string) => sample(t, 'contactgate_sweeper_runs_total');
    const before = n(await metrics());
    await bg.sweeper.runOnce();
    await bg.sweeper.runOnce();
    expect(n(await metrics()) - before).to.equal(2);
    expect(bg.sweeper.state.lastRunAt).to.equal(clock.now());
  });

  it('counts missed sweeper ticks (each caught up by an immediate sweep)', async () => {
    const text = await metrics();
    expect(text).to.include('# TYPE contactgate_sweeper_missed_ticks_total counter');
    const missed = (t: string) => sample(t, 'contactgate_sweeper_missed_ticks_total');
    const runs = (t: string) => sample(t, 'contactgate_sweeper_runs_total');
    await Promise.all([bg.sweeper.missed(new Date(clock.now() - 120_000)), bg.sweeper.missed(new Date(clock.now() - 60_000))]);
    const after = await metrics();
    expect(missed(after) - missed(text)).to.equal(2);
    expect(runs(after) - runs(text)).to.equal(1);
  });

  it('counts lease takeovers when a job is taken over from a process whose lease expired', async () => {
    await bg.runner.drain();
    const n = (t: string) => sample(t, 'contactgate_lease_takeovers_total', { type: IMPORT_JOB });
    const before = n(await metrics());
    const up = await api.post('/v2/contacts/import', { fileName: 't.csv', data: Buffer.from('Email\nt1@metrics.test\n').toString('base64') });
    expect(up.status).to.equal(202);
    const ghost = await app.services.jobs.claim([IMPORT_JOB], 'a-process-that-died');
    expect(ghost, 'claimed by the dead process').to.not.equal(undefined);
    clock.advance(app.services.config.jobLeaseMs + 1000);
    await bg.runner.drain();
    expect(n(await metrics()) - before).to.equal(1);
    expect((await api.get(`/v2/contacts/import/${up.body.id}`)).body.status).to.equal('Finished');
    const jobs = await metrics();
    expect(sample(jobs, 'contactgate_jobs_total', { type: IMPORT_JOB, outcome: 'completed' })).to.be.at.least(1);
  });
});
