import { expect } from 'chai';
import { startApp, TestApp } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';

describe('REST v2: campaign activity ingestion and reads', () => {
  let app: TestApp;
  let api: RestClient;
  let campaignId: number;
  let contactId: number;
  before(async () => {
    app = await startApp();
    api = new RestClient(app.baseUrl, await app.newAccount());
    campaignId = (await api.post('/v2/campaigns', { name: 'C' })).body.id;
    contactId = (await api.post('/v2/contacts', { email: 'reader@example.com' })).body.id;
  });
  after(() => app.close());

  it('ingests events idempotently by event id', async () => {
    const batch = [
      { eventId: 'e-1', type: 'sent', campaignId, contactId, occurredAt: '2026-03-01T10:00:00Z' },
      { eventId: 'e-2', type: 'open', campaignId, email: 'READER@example.com', occurredAt: '2026-03-01T11:00:00Z' },
      { eventId: 'e-3', type: 'click', campaignId, contactId, url: 'https://acme.example/x', occurredAt: '2026-03-01T11:01:00Z' },
    ];
    expect((await api.post('/v2/activity-events', batch)).body).to.deep.equal({ accepted: 3, duplicates: 0 });
    expect((await api.post('/v2/activity-events', batch)).body).to.deep.equal({ accepted: 0, duplicates: 3 });
    const summary = await api.get(`/v2/campaigns/${campaignId}/activities`);
    expect(summary.status).to.equal(200);
    expect(summary.body).to.have.length(1);
    expect(summary.body[0]).to.include({ contactId, email: 'reader@example.com', numOpens: 1, numClicks: 1, dateSent: '2026-03-01T10:00:00.000Z' });
    const opens = await api.get(`/v2/campaigns/${campaignId}/opens`);
    expect(opens.body[0]).to.include({ contactId, dateOpened: '2026-03-01T11:00:00.000Z' });
    const clicks = await api.get(`/v2/campaigns/${campaignId}/clicks/since-date/2026-03-01T11:00:30Z`);
    expect(clicks.body.map((c: { url: string }) => c.url)).to.deep.equal(['https://acme.example/x']);
  });

  it('a hard bounce or unsubscribe changes the contact status at once; a bad batch writes nothing', async () => {
    const bounced = (await api.post('/v2/contacts', { email: 'bounce@example.com' })).body.id;
    const r = await api.post('/v2/activity-events', { eventId: 'b-1', type: 'bounce', bounceType: 'hard', campaignId, contactId: bounced });
    expect(r.body.accepted).to.equal(1);
    expect((await api.get(`/v2/contacts/${bounced}`)).body.status).to.equal('HardBounced');
    const bad = await api.post('/v2/activity-events', [
      { eventId: 'u-1', type: 'unsubscribe', contactId },
      { eventId: 'u-2', type: 'teleport', contactId },
    ]);
    expect(bad.status).to.equal(400);
    expect(bad.body.message).to.match(/^Event 1: .*ERROR_PARAMETER_INVALID$/);
    expect((await api.get(`/v2/contacts/${contactId}`)).body.status).to.equal('Subscribed');
    expect((await api.post('/v2/activity-events', { eventId: 'u-1', type: 'unsubscribe', contactId })).body.accepted).to.equal(1);
    expect((await api.get(`/v2/contacts/${contactId}`)).body.status).to.equal('Unsubscribed');
  });

  it('refuses unknown campaigns and contacts of other accounts', async () => {
    const other = new RestClient(app.baseUrl, await app.newAccount());
    const r1 = await other.post('/v2/activity-events', { eventId: 'x', type: 'open', campaignId, contactId });
    expect(r1.status).to.equal(404);
    expect((await other.get(`/v2/campaigns/${campaignId}/activities`)).status).to.equal(404);
  });
});
