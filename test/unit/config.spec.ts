import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config';

/** loadConfig on exactly these variables (nothing from the real environment). */
function load(env: Record<string, string>) {
  return loadConfig(env);
}

/** The ConfigError loadConfig throws for env (fails the test when it does not throw one). */
function problems(env: Record<string, string>): ConfigError {
  try {
    load(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw new Error(`expected a ConfigError, got ${String(e)}`);
  }
  throw new Error('expected a ConfigError, got a config');
}

describe('configuration: every setting checked before start, every bad one named', () => {
  it('the defaults load', () => {
    const c = load({});
    expect(c).to.include({ port: 8080, logLevel: 'info', segmentSweepCron: '* * * * *', importLoadData: true, runJobs: true });
    expect(c.db.client).to.equal('sqlite');
  });

  it('LOG_LEVEL must be a pino level: a bad one is named (it used to die inside the logger)', () => {
    const e = problems({ LOG_LEVEL: 'verbose' });
    expect(e.settings).to.deep.equal(['LOG_LEVEL']);
    expect(e.message).to.include('LOG_LEVEL').and.include('"verbose"').and.include('trace');
    for (const ok of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent', 'WARN']) expect(load({ LOG_LEVEL: ok }).logLevel).to.equal(ok.toLowerCase());
  });

  it('SEGMENT_SWEEP_CRON is checked with node-cron (it used to fail only after migrations ran)', () => {
    const e = problems({ SEGMENT_SWEEP_CRON: 'every minute' });
    expect(e.settings).to.deep.equal(['SEGMENT_SWEEP_CRON']);
    expect(e.message).to.include('not a valid cron expression');
    expect(problems({ SEGMENT_SWEEP_CRON: '61 * * * *' }).settings).to.deep.equal(['SEGMENT_SWEEP_CRON']);
    expect(load({ SEGMENT_SWEEP_CRON: '*/10 * * * * *' }).segmentSweepCron).to.equal('*/10 * * * * *');
  });

  it('numbers, booleans, durations and enums are checked, and all bad settings are named in one error', () => {
    const e = problems({
      PORT: '80a',
      DB_CLIENT: 'postgres',
      RUN_JOBS: 'maybe',
      JOB_LEASE: 'soon',
      LOG_LEVEL: 'loud',
      IMPORT_CHUNK_ROWS: '0',
      MAX_SELECT: '-1',
    });
    expect(e.settings).to.have.members(['PORT', 'DB_CLIENT', 'RUN_JOBS', 'JOB_LEASE', 'LOG_LEVEL', 'IMPORT_CHUNK_ROWS', 'MAX_SELECT']);
    expect(e.message.split('\n')).to.have.length(1);
    for (const name of e.settings) expect(e.message).to.include(name);
  });

  it('ports must be in range; booleans take true/false, 1/0, yes/no, on/off', () => {
    expect(problems({ PORT: '70000' }).settings).to.deep.equal(['PORT']);
    expect(problems({ DB_CLIENT: 'mysql2', DB_PORT: '0' }).settings).to.deep.equal(['DB_PORT']);
    expect(load({ PORT: '0' }).port).to.equal(0);
    expect(load({ RUN_JOBS: 'FALSE' }).runJobs).to.equal(false);
    expect(load({ RUN_JOBS: '0', IMPORT_LOAD_DATA: 'no', SQLITE_CHECKPOINT_THREAD: 'off' })).to.include({ runJobs: false, importLoadData: false, sqliteCheckpointThread: false });
    expect(load({ RUN_JOBS: 'yes' }).runJobs).to.equal(true);
    expect(problems({ IMPORT_LOAD_DATA: 'flase' }).settings).to.deep.equal(['IMPORT_LOAD_DATA']);
  });

  it('DATABASE_URL that is not a URL, or of another database, is named', () => {
    expect(problems({ DATABASE_URL: 'not a url' }).settings).to.deep.equal(['DATABASE_URL']);
    expect(problems({ DATABASE_URL: 'postgres://x@h/db' }).message).to.include('unsupported scheme postgres:');
    expect(load({ DATABASE_URL: 'mysql://u:p%40ss@db.example:3307/cg' }).db).to.deep.equal({ client: 'mysql', host: 'db.example', port: 3307, user: 'u', password: 'p@ss', database: 'cg' });
  });

  it('rules between settings are named too, together with the other problems', () => {
    const e = problems({ BOOTSTRAP_API_USER: 'u@example.com', SEGMENT_REFRESH_QUIET: '1h', SEGMENT_REFRESH_MAX_DELAY: '30m', PORT: 'x' });
    expect(e.settings).to.have.members(['BOOTSTRAP_API_PASSWORD', 'SEGMENT_REFRESH_QUIET', 'PORT']);
  });

  it('a ConfigError thrown with a message only still names its setting (the form custom parsers use)', () => {
    expect(new ConfigError('TRUST_PROXY must be true, false or a hop count').settings).to.deep.equal(['TRUST_PROXY']);
  });
});
