import { expect } from 'chai';
import { loadConfig } from '../../src/config';
import { connect } from '../../src/db/connection';
import { Store } from '../../src/db/store';
import { ReadinessService } from '../../src/services/readiness';
import { scratchDbEnv, testStore } from '../helpers/db';

// GET /ready's answer comes from the readiness service, so the HTTP layer never holds the store (issue #22 §3).

describe('readiness: the database answers and has every migration', () => {
  it('ready on the migrated test database; migrations pending on an empty one; unreachable once closed', async () => {
    const { store } = await testStore();
    expect(await new ReadinessService(store).check()).to.deep.equal({ status: 'ready' });
    const cfg = loadConfig({ ...process.env, ...scratchDbEnv('readiness'), LOG_LEVEL: 'silent' });
    const { knex, dialect } = await connect(cfg.db);
    const empty = new Store(knex, dialect);
    const pending = await new ReadinessService(empty).check();
    expect(pending.status).to.equal('migrations pending');
    expect(pending.status === 'migrations pending' && pending.pending[0]).to.equal('001_initial');
    await empty.close();
    expect(await new ReadinessService(empty).check()).to.deep.equal({ status: 'database unreachable' });
  });
});
