import { expect } from 'chai';
import { FakeClock } from '../../../src/lib/clock';
import { startApp, TestApp } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';

describe('REST v2: per-account rate limit and login throttling', () => {
  let app: TestApp;
  const clock = new FakeClock(Date.UTC(2026, 5, 1, 10, 0, 0));
  before(async () => {
    app = await startApp({ clock, config: { rateLimitPerHour: 3, loginMaxFailures: 4, loginThrottleWindowMs: 15 * 60_000 } });
  });
  after(() => app.close());

  it('answers 429 ERROR_APIUSAGE_EXCEEDED past the hourly quota, for that account only, until the next hour', async () => {
    const a = new RestClient(app.baseUrl, await app.newAccount());
    const b = new RestClient(app.baseUrl, await app.newAccount());
    for (let i = 0; i < 3; i++) expect((await a.get('/v2/data-fields')).status).to.equal(200);
    const over = await a.get('/v2/data-fields');
    expect(over.status).to.equal(429);
    expect(over.body.message).to.match(/ ERROR_APIUSAGE_EXCEEDED$/);
    expect((await b.get('/v2/data-fields')).status).to.equal(200);
    clock.advance(60 * 60_000);
    expect((await a.get('/v2/data-fields')).status).to.equal(200);
  });

  it('refuses a source after repeated failures for a username (429, Retry-After), even with the right password, until the window passes; other sources sign in', async () => {
    const login = await app.newAccount();
    const wrong = new RestClient(app.baseUrl, { username: login.username, password: 'not-the-password' }, '127.0.0.2');
    for (let i = 0; i < 4; i++) expect((await wrong.get('/v2/account-info')).status).to.equal(401);
    const right = new RestClient(app.baseUrl, login, '127.0.0.2');
    const refused = await right.get('/v2/account-info');
    expect(refused.status).to.equal(429);
    expect(refused.body.message).to.match(/ERROR_LOGIN_THROTTLED$/);
    expect(refused.headers.get('retry-after')).to.equal(String(15 * 60));
    expect((await new RestClient(app.baseUrl, login, '127.0.0.3').get('/v2/account-info')).status).to.equal(200);
    clock.advance(15 * 60_000);
    expect((await right.get('/v2/account-info')).status).to.equal(200);
  });
});
