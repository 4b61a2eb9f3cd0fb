import { expect } from 'chai';
import { startApp, TestApp } from '../helpers/app';
import { testEngine } from '../helpers/db';
import { systemClock } from '../../src/lib/clock';
import { silentLogger } from '../../src/lib/logger';
import { Background, createBackground } from '../../src/jobs';
import { soak, SOAK_CONFIG } from '../../bench/soak';

// The CI-sized soak (SOAK_SECONDS, default 20): mixed single writes on REST, v2 and v1 SOAP, imports and sweeps
// at once, on the engine of the run. The 5-minute version is `bench/soak.ts` (figures in docs/reliability.md).

describe(`soak: mixed writes, imports and sweeps (${testEngine()})`, function () {
  const seconds = Number(process.env.SOAK_SECONDS ?? 20);
  this.timeout((seconds + 180) * 1000);
  let app: TestApp;
  let bg: Background;
  before(async () => {
    app = await startApp({ clock: systemClock, config: SOAK_CONFIG });
    bg = createBackground(app.services, silentLogger);
    bg.start();
  });
  after(async () => {
    await bg.stop();
    await app.close();
  });

  it('zero 5xx, zero deadlocks surfaced, flat memory; every contact holds its last values and segments equal a recomputation', async () => {
    const r = await soak({ baseUrl: app.baseUrl, services: app.services, seconds });
    const total = r.requests.rest + r.requests.v1 + r.requests.v2;
    console.log(`      ${total} requests, ${r.imports} imports, RSS ${r.rssStartMb} -> ${r.rssEndMb} MB, heap ${r.heapStartMb} -> ${r.heapEndMb} MB, settle ${r.settleMs} ms`);
    expect(r.errorSamples, 'error samples').to.deep.equal([]);
    expect(r.serverErrors).to.equal(0);
    expect(r.deadlocksSurfaced).to.equal(0);
    expect(r.otherErrors).to.equal(0);
    expect(Math.min(r.requests.rest, r.requests.v1, r.requests.v2), 'every dialect carried load').to.be.greaterThan(20);
    expect(r.imports, 'imports ran alongside').to.be.greaterThan(1);
    expect(r.contacts).to.be.greaterThan(100);
    expect(r.wrongContacts).to.equal(0);
    for (const g of r.segments) {
      expect(g, g.name).to.include({ missing: 0, extra: 0 });
      expect(g.actual, `${g.name} is not trivially empty`).to.be.greaterThan(0);
    }
    // memory: heap after a full GC grows by less than 40 MB over the run (the CI run is short; the bench shows the trend)
    expect(r.heapEndMb - r.heapStartMb).to.be.lessThan(40);
  });
});
