import { migrationStatus } from '../../src/db/migrate';
import { expect } from 'chai';
import { EXIT } from '../../src/cli/context';
import { loadDataCheck, runDoctor, SKEW_FAIL_MS } from '../../src/cli/doctor';
import { loadConfig } from '../../src/config';
import { connect } from '../../src/db/connection';
import { FakeClock, systemClock } from '../../src/lib/clock';
import { runCli } from '../helpers/cli';
import { scratchDbEnv, testEngine } from '../helpers/db';
import { freePort } from '../helpers/process';

/** The doctor's line for a check in its text output. */
function line(out: string, name: string): string {
  return out.split('\n').find((l) => l.startsWith('[') && l.slice(l.indexOf(']') + 1).trimStart().startsWith(`${name}  `)) ?? '';
}

describe('contactgate doctor: configuration, database, migrations, LOAD DATA, clock; what to fix', function () {
  this.timeout(120_000);
  const engine = testEngine();

  it('a migrated database: every check ok (LOAD DATA skipped on SQLite, allowed on MariaDB), exit 0', async () => {
    const env = scratchDbEnv('doc_ok');
    expect((await runCli(env, 'db', 'migrate')).code).to.equal(EXIT.ok);
    const r = await runCli(env, 'doctor');
    expect(r.code, r.out + r.err).to.equal(EXIT.ok);
    expect(r.err).to.equal('');
    for (const name of ['configuration', 'database', 'migrations', 'clock']) expect(line(r.out, name), r.out).to.match(/^\[ok\]/);
    expect(line(r.out, 'LOAD DATA LOCAL INFILE')).to.match(engine === 'sqlite' ? /^\[skip\]/ : /^\[ok\].*the server takes it/);
    expect(r.out.trim().split('\n').pop()).to.equal('no issues found');
    const json = await runCli(env, 'doctor', '--json');
    expect(JSON.parse(json.out).map((c: { name: string; status: string }) => c.name)).to.deep.equal(['configuration', 'database', 'migrations', 'LOAD DATA LOCAL INFILE', 'clock']);
    if (engine === 'mysql') {
      const off = await runCli({ ...env, IMPORT_LOAD_DATA: 'false' }, 'doctor');
      expect(line(off.out, 'LOAD DATA LOCAL INFILE')).to.match(/^\[ok\].*IMPORT_LOAD_DATA=false/);
    }
  });

  it('a database nobody created: database fails with the fix, later checks skipped, exit 1, and nothing is created', async () => {
    const env = scratchDbEnv('doc_missing');
    const r = await runCli(env, 'doctor');
    expect(r.code, r.out + r.err).to.equal(EXIT.failed);
    expect(line(r.out, 'database')).to.match(/^\[FAIL\]/);
    expect(r.out).to.match(/fix: .*contactgate db migrate/);
    expect(line(r.out, 'migrations')).to.match(/^\[skip\]/);
    expect(line(r.out, 'clock')).to.match(/^\[skip\]/);
    expect(r.err).to.equal('');
    // the doctor only looks: the database is still missing
    expect(line((await runCli(env, 'doctor')).out, 'database')).to.match(/^\[FAIL\]/);
  });

  it('pending migrations fail with "run contactgate db migrate"', async () => {
    const env = scratchDbEnv('doc_pending');
    const { knex } = await connect(loadConfig({ ...process.env, ...env }).db); // creates the empty database
    await knex.raw('select 1'); // (SQLite creates its file on the first connection)
    const { pending } = await migrationStatus(knex);
    await knex.destroy();
    const r = await runCli(env, 'doctor');
    expect(r.code).to.equal(EXIT.failed);
    expect(line(r.out, 'migrations')).to.match(new RegExp(`^\\[FAIL\\] migrations\\s+${pending.length} pending: 001_initial`));
    expect(r.out).to.include('fix: run `contactgate db migrate`');
    expect(line(r.out, 'clock')).to.match(/^\[ok\]/);
  });

  it('bad settings: configuration fails naming each, the rest is skipped; an unreachable server says where', async () => {
    const bad = await runCli({ ...scratchDbEnv('doc_cfg'), LOG_LEVEL: 'verbose', SEGMENT_SWEEP_CRON: 'never' }, 'doctor');
    expect(bad.code).to.equal(EXIT.failed);
    expect(line(bad.out, 'configuration')).to.match(/^\[FAIL\].*LOG_LEVEL.*SEGMENT_SWEEP_CRON/);
    expect(bad.out).to.include('fix: set LOG_LEVEL, SEGMENT_SWEEP_CRON to valid values');
    expect(line(bad.out, 'database')).to.match(/^\[skip\]/);

    const port = await freePort();
    const down = await runCli({ DB_CLIENT: 'mysql2', DB_HOST: '127.0.0.1', DB_PORT: String(port), DB_NAME: 'cg_nowhere' }, 'doctor');
    expect(down.code).to.equal(EXIT.failed);
    expect(line(down.out, 'database')).to.match(/^\[FAIL\].*ECONNREFUSED/);
    expect(down.out).to.include(`fix: nothing answers at 127.0.0.1:${port}`);
    expect(down.err, 'no stack trace').to.equal('');
  });

  it('clock: in step passes; a process clock an hour off fails with the NTP fix; a few seconds off warns', async () => {
    const env = scratchDbEnv('doc_clock');
    expect((await runCli(env, 'db', 'migrate')).code).to.equal(EXIT.ok);
    const cfg = { ...process.env, ...env };
    const clockOf = async (clock: { now(): number }) => (await runDoctor(cfg, clock)).find((c) => c.name === 'clock')!;
    expect((await clockOf(systemClock)).status).to.equal('ok');
    const behind = await clockOf(new FakeClock(Date.now() - 3_600_000));
    expect(behind.status).to.equal('fail');
    expect(behind.detail).to.match(/ahead of this process's/);
    expect(behind.fix).to.include('NTP');
    const off = new FakeClock(Date.now() + SKEW_FAIL_MS / 2);
    expect((await clockOf(off)).status).to.equal('warn');
  });

  it('LOAD DATA refused by the server: a warning that says how to turn local_infile on or IMPORT_LOAD_DATA off', async () => {
    const config = loadConfig({ DB_CLIENT: 'mysql2' });
    const refused = { repos: { imports: { probeLoadData: async () => ({ allowed: false as const, refused: true, errno: 3948, message: 'Loading local data is disabled' }) } } };
    const r = await loadDataCheck(config, refused as never, []);
    expect(r.status).to.equal('warn');
    expect(r.detail).to.include('errno 3948');
    expect(r.fix).to.include('SET GLOBAL local_infile = ON').and.include('IMPORT_LOAD_DATA=false');
    const broken = { repos: { imports: { probeLoadData: async () => ({ allowed: false as const, refused: false, message: 'Connection lost' }) } } };
    expect((await loadDataCheck(config, broken as never, [])).status).to.equal('fail');
  });
});
