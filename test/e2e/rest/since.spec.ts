import { expect } from 'chai';
import { startApp, TestApp } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { FakeClock } from '../../../src/lib/clock';
import { writeOf } from '../../../src/services/contacts';
import { CONTACT_KEYS_BRIEF, CONTACT_KEYS_FULL, expectError, ISO_RE } from '../../helpers/expect';

describe('REST v2: time lists, unsubscribe and resubscribe', () => {
  let app: TestApp;
  let api: RestClient;
  let clock: FakeClock;
  const T0 = Date.UTC(2026, 4, 10, 8, 0, 0);
  const iso = (t: number) => new Date(t).toISOString();
  const ids = (list: Array<{ id: number }>) => list.map((x) => x.id);
  const suppressedIds = (list: Array<{ suppressedContact: { id: number } }>) => list.map((x) => x.suppressedContact.id);

  let accountId: number;
  beforeEach(async () => {
    clock = new FakeClock(T0);
    app = await startApp({ clock });
    const login = await app.newAccount('Time');
    accountId = login.accountId;
    api = new RestClient(app.baseUrl, login);
  });
  afterEach(() => app.close());

  it('created-since and modified-since follow the clock, with and without full data', async () => {
    const a = (await api.post('/v2/contacts', { email: 'a@example.com' })).body;
    clock.advance(60_000);
    const b = (await api.post('/v2/contacts', { email: 'b@example.com' })).body;
    clock.advance(60_000);
    await api.put(`/v2/contacts/${a.id}`, { dataFields: [{ key: 'FIRSTNAME', value: 'A2' }] });

    expect(ids((await api.get(`/v2/contacts/created-since/${iso(T0)}`)).body)).to.deep.equal([a.id, b.id]);
    expect(ids((await api.get(`/v2/contacts/created-since/${iso(T0 + 1)}`)).body)).to.deep.equal([b.id]);
    expect((await api.get(`/v2/contacts/created-since/${iso(T0 + 60_001)}`)).body).to.deep.equal([]);

    const mod = await api.get(`/v2/contacts/modified-since/${iso(T0 + 60_001)}`);
    expect(mod.status).to.equal(200);
    expect(ids(mod.body)).to.deep.equal([a.id]);
    expect(Object.keys(mod.body[0])).to.deep.equal(CONTACT_KEYS_BRIEF);
    const full = await api.get(`/v2/contacts/modified-since/${iso(T0 + 60_000)}?withFullData=true`);
    expect(ids(full.body)).to.deep.equal([a.id, b.id]);
    expect(Object.keys(full.body[0])).to.deep.equal(CONTACT_KEYS_FULL);
    expect((await api.get(`/v2/contacts/modified-since/${iso(T0 + 120_001)}`)).body).to.deep.equal([]);
    // the date forms clients send: xs:dateTime without millis, a bare date, an offset
    expect(ids((await api.get('/v2/contacts/created-since/2026-05-10T08:00:00Z')).body)).to.deep.equal([a.id, b.id]);
    expect(ids((await api.get('/v2/contacts/created-since/2026-05-10T08:00:30')).body)).to.deep.equal([b.id]);
    expect(ids((await api.get('/v2/contacts/created-since/2026-05-10')).body)).to.deep.equal([a.id, b.id]);
    expect(ids((await api.get(`/v2/contacts/created-since/${encodeURIComponent('2026-05-10T09:00:30+01:00')}`)).body)).to.deep.equal([b.id]);
    expect(ids((await api.get(`/v2/contacts/created-since/${iso(T0)}?select=1&skip=1`)).body)).to.deep.equal([b.id]);
  });

  it('refuses bad dates with 400 ERROR_PARAMETER_INVALID', async () => {
    for (const route of ['modified-since', 'created-since', 'suppressed-since', 'unsubscribed-since']) {
      for (const d of ['yesterday', '2026-13-01', '2026-02-30', '10-05-2026']) {
        expectError(await api.get(`/v2/contacts/${route}/${d}`), 400, 'ERROR_PARAMETER_INVALID');
      }
    }
  });

  it('POST /contacts/unsubscribe by email or id: 200 ApiContactSuppression, then on suppressed-since and unsubscribed-since', async () => {
    const a = (await api.post('/v2/contacts', { email: 'unsub.a@example.com' })).body;
    const b = (await api.post('/v2/contacts', { email: 'unsub.b@example.com' })).body;
    clock.advance(10_000);
    const tA = clock.now();
    const ua = await api.post('/v2/contacts/unsubscribe', { Email: 'UNSUB.A@example.com' });
    expect(ua.status, ua.text).to.equal(200);
    expect(Object.keys(ua.body)).to.deep.equal(['suppressedContact', 'dateRemoved', 'reason']);
    expect(ua.body.suppressedContact).to.include({ id: a.id, email: 'unsub.a@example.com', status: 'Unsubscribed' });
    expect(ua.body.dateRemoved).to.equal(iso(tA));
    expect(ua.body.reason).to.equal('Unsubscribed');
    clock.advance(10_000);
    const ub = await api.post('/v2/contacts/unsubscribe', { id: b.id });
    expect(ub.status, ub.text).to.equal(200);
    expect(ub.body.suppressedContact.id).to.equal(b.id);
    // unsubscribing again keeps the first date
    clock.advance(10_000);
    const again = await api.post('/v2/contacts/unsubscribe', { email: 'unsub.a@example.com' });
    expect(again.body.dateRemoved).to.equal(iso(tA));

    expect((await api.get(`/v2/contacts/${a.id}`)).body.status).to.equal('Unsubscribed');
    const sup = await api.get(`/v2/contacts/suppressed-since/${iso(T0)}`);
    expect(sup.status).to.equal(200);
    expect(suppressedIds(sup.body)).to.deep.equal([a.id, b.id]);
    for (const s of sup.body) {
      expect(Object.keys(s)).to.deep.equal(['suppressedContact', 'dateRemoved', 'reason']);
      expect(s.dateRemoved).to.match(ISO_RE);
      expect(s.reason).to.equal('Unsubscribed');
    }
    expect(suppressedIds((await api.get(`/v2/contacts/unsubscribed-since/${iso(tA + 1)}`)).body)).to.deep.equal([b.id]);
    expect(suppressedIds((await api.get(`/v2/contacts/suppressed-since/${iso(T0)}?select=1&skip=1`)).body)).to.deep.equal([b.id]);
    expect((await api.get(`/v2/contacts/suppressed-since/${iso(clock.now() + 1)}`)).body).to.deep.equal([]);
  });

  it('unsubscribing an unknown email creates it as an unsubscribed contact; bad input is refused', async () => {
    const r = await api.post('/v2/contacts/unsubscribe', { email: 'stranger@example.com' });
    expect(r.status, r.text).to.equal(200);
    expect(r.body.suppressedContact).to.include({ email: 'stranger@example.com', status: 'Unsubscribed' });
    expect((await api.get('/v2/contacts/stranger@example.com')).body.status).to.equal('Unsubscribed');
    expectError(await api.post('/v2/contacts/unsubscribe', { email: 'not valid' }), 400, 'ERROR_PARAMETER_INVALID');
    expectError(await api.post('/v2/contacts/unsubscribe', { id: 999999999 }), 404, 'ERROR_CONTACT_NOT_FOUND');
    expectError(await api.post('/v2/contacts/unsubscribe', {}), 404, 'ERROR_CONTACT_NOT_FOUND');
  });

  it('POST /contacts/resubscribe: ContactAdded for an unsubscribed contact, which leaves the suppression list', async () => {
    const c = (await api.post('/v2/contacts', { email: 'comeback@example.com' })).body;
    await api.post('/v2/contacts/unsubscribe', { email: 'comeback@example.com' });
    clock.advance(5_000);
    const r = await api.post('/v2/contacts/resubscribe', { UnsubscribedContact: { Email: 'comeback@example.com' }, PreferredLocale: '', ReturnUrlToUseIfChallenged: '' });
    expect(r.status, r.text).to.equal(200);
    expect(Object.keys(r.body)).to.deep.equal(['contact', 'status']);
    expect(r.body.status).to.equal('ContactAdded');
    expect(r.body.contact).to.include({ id: c.id, status: 'Subscribed' });
    expect((await api.get(`/v2/contacts/${c.id}`)).body.status).to.equal('Subscribed');
    expect((await api.get(`/v2/contacts/suppressed-since/${iso(T0)}`)).body).to.deep.equal([]);
    // by id, camelCase, on a subscribed contact: still ContactAdded, nothing changes
    const again = await api.post('/v2/contacts/resubscribe', { unsubscribedContact: { id: c.id } });
    expect(again.body.status).to.equal('ContactAdded');
    expectError(await api.post('/v2/contacts/resubscribe', { unsubscribedContact: { email: 'never@example.com' } }), 404, 'ERROR_CONTACT_NOT_FOUND');
    expectError(await api.post('/v2/contacts/resubscribe', { unsubscribedContact: 'x' }), 400, 'ERROR_PARAMETER_INVALID');
  });

  it('a hard-bounced contact cannot be resubscribed, stays on the suppression list and cannot join a book', async () => {
    const c = (await api.post('/v2/contacts', { email: 'bounced@example.com' })).body;
    clock.advance(1000);
    const at = clock.now();
    // why white-box: bounces arrive from the mail pipeline, not through a REST call.
    await app.services.store.tx(async (r) => {
      const row = (await r.contacts.getById(accountId, c.id))!;
      await r.contacts.update(accountId, c.id, { ...writeOf(row), status: 'HardBounced', statusChangedAt: at }, at);
    });
    const re = await api.post('/v2/contacts/resubscribe', { unsubscribedContact: { email: 'bounced@example.com' } });
    expect(re.status, re.text).to.equal(200);
    expect(re.body.status).to.equal('ContactCannotBeUnsuppressed');
    expect(re.body.contact.status).to.equal('HardBounced');
    expect((await api.get(`/v2/contacts/${c.id}`)).body.status).to.equal('HardBounced');
    const sup = (await api.get(`/v2/contacts/suppressed-since/${iso(T0)}`)).body;
    expect(sup).to.deep.equal([{ suppressedContact: { id: c.id, email: 'bounced@example.com', optInType: 'Unknown', emailType: 'Html', status: 'HardBounced' }, dateRemoved: iso(at), reason: 'HardBounced' }]);
    expect((await api.get(`/v2/contacts/unsubscribed-since/${iso(T0)}`)).body).to.deep.equal([]);
    const un = await api.post('/v2/contacts/unsubscribe', { email: 'bounced@example.com' });
    expect(un.body.reason).to.equal('HardBounced');
    const book = (await api.post('/v2/address-books', { name: 'Bounce test' })).body;
    expectError(await api.post(`/v2/address-books/${book.id}/contacts`, { email: 'bounced@example.com' }), 400, 'ERROR_CONTACT_SUPPRESSED');
  });

  it('resubscribing through an address book resubscribes an account-unsubscribed contact and keeps it a member', async () => {
    const book = (await api.post('/v2/address-books', { name: 'Members' })).body;
    const c = (await api.post(`/v2/address-books/${book.id}/contacts`, { email: 'leaver@example.com' })).body;
    expect((await api.get(`/v2/address-books/${book.id}`)).body.contacts).to.equal(1);
    await api.post('/v2/contacts/unsubscribe', { email: 'leaver@example.com' });
    expect((await api.get(`/v2/contacts/${c.id}`)).body.status).to.equal('Unsubscribed');
    const re = await api.post(`/v2/address-books/${book.id}/contacts/resubscribe`, { unsubscribedContact: { email: 'leaver@example.com' } });
    expect(re.body.status).to.equal('ContactAdded');
    expect((await api.get(`/v2/contacts/${c.id}`)).body.status).to.equal('Subscribed');
    expect(ids((await api.get(`/v2/address-books/${book.id}/contacts`)).body)).to.deep.equal([c.id]);
  });
});
