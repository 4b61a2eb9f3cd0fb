import { expect } from 'chai';
import { startApp, TestApp } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';

describe('REST v2: campaigns (create, get, list, update, delete)', () => {
  let app: TestApp;
  let api: RestClient;
  let other: RestClient;
  before(async () => {
    app = await startApp();
    api = new RestClient(app.baseUrl, await app.newAccount());
    other = new RestClient(app.baseUrl, await app.newAccount());
  });
  after(() => app.close());

  it('creates (201) with PascalCase input and answers the camelCase ApiCampaign', async () => {
    const r = await api.post('/v2/campaigns', {
      Name: 'Spring sale',
      Subject: 'Blue things',
      FromName: 'Acme',
      FromAddress: { Email: 'news@acme.example' },
      HtmlContent: '<p>Hi</p>',
      PlainTextContent: 'Hi',
      ReplyAction: 'Webmail',
    });
    expect(r.status).to.equal(201);
    expect(Object.keys(r.body)).to.deep.equal([
      'id', 'name', 'subject', 'fromName', 'fromAddress', 'htmlContent', 'plainTextContent', 'replyAction', 'replyToAddress', 'isSplitTest', 'status',
    ]);
    expect(r.body).to.include({ name: 'Spring sale', subject: 'Blue things', replyAction: 'Webmail', status: 'Unsent' });
    expect(r.body.fromAddress.email).to.equal('news@acme.example');
    const got = await api.get(`/v2/campaigns/${r.body.id}`);
    expect(got.body).to.deep.equal(r.body);
  });

  it('lists with paging, updates an unsent campaign, deletes it', async () => {
    const a = (await api.post('/v2/campaigns', { name: 'A' })).body;
    const b = (await api.post('/v2/campaigns', { name: 'B' })).body;
    const page = await api.get('/v2/campaigns?select=1&skip=1');
    expect(page.status).to.equal(200);
    expect(page.body).to.have.length(1);
    const up = await api.put(`/v2/campaigns/${a.id}`, { subject: 'New subject' });
    expect(up.status).to.equal(200);
    expect(up.body).to.include({ name: 'A', subject: 'New subject' });
    expect((await api.delete(`/v2/campaigns/${b.id}`)).status).to.equal(204);
    expect((await api.get(`/v2/campaigns/${b.id}`)).status).to.equal(404);
  });

  it('validates input and hides other accounts\' campaigns', async () => {
    const noName = await api.post('/v2/campaigns', { subject: 'x' });
    expect(noName.status).to.equal(400);
    expect(noName.body.message).to.match(/ERROR_CAMPAIGN_INVALID$/);
    const badFrom = await api.post('/v2/campaigns', { name: 'x', fromAddress: 'not-an-address' });
    expect(badFrom.status).to.equal(400);
    const mine = (await api.post('/v2/campaigns', { name: 'Mine' })).body;
    for (const r of [await other.get(`/v2/campaigns/${mine.id}`), await other.put(`/v2/campaigns/${mine.id}`, { name: 'x' }), await other.delete(`/v2/campaigns/${mine.id}`)]) {
      expect(r.status).to.equal(404);
      expect(r.body.message).to.match(/ERROR_CAMPAIGN_NOT_FOUND$/);
    }
    expect((await api.get(`/v2/campaigns/${mine.id}`)).body.name).to.equal('Mine');
  });
});
