import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import knexFactory from 'knex';
import { ensureBuilt } from '../helpers/build';
import { scratchDbEnv, testConfig } from '../helpers/db';
import { descendants, freePort, isAlive, logRecords, portIsFree, startGateway } from '../helpers/process';
import { knexOptions } from '../../src/db/connection';

const ROOT = path.resolve(__dirname, '..', '..');

/** GET url; resolves with the status, or 0 when nothing answers. */
async function status(url: string): Promise<number> {
  try {
    return (await fetch(url)).status;
  } catch {
    return 0;
  }
}

/** Waits for the child to end; resolves with its exit code or signal. */
function exitOf(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode!);
  return new Promise((res) => child.once('exit', (code, sig) => res(code ?? sig ?? -1)));
}

/** True when the scratch database of env exists (SQLite file, or MariaDB database). */
async function databaseExists(env: Record<string, string>): Promise<boolean> {
  if (env.DB_CLIENT === 'sqlite') return fs.existsSync(env.DB_FILENAME);
  const admin = knexFactory({ ...knexOptions({ ...(testConfig().db as Extract<ReturnType<typeof testConfig>['db'], { client: 'mysql' }>), database: '' }), pool: { min: 0, max: 1 } });
  try {
    const [rows] = (await admin.raw('select schema_name from information_schema.schemata where schema_name = ?', [env.DB_NAME])) as [unknown[]];
    return rows.length > 0;
  } finally {
    await admin.destroy();
  }
}

describe('start like a service: npm start, signals, JSON stdout, settings checked first', function () {
  this.timeout(120_000);
  const leftovers: number[] = [];

  before(() => ensureBuilt());

  after(() => {
    // a failed assertion must not leave a gateway running: end only the processes this spec started
    for (const pid of leftovers) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('SIGTERM to the process `npm start` created stops the gateway cleanly: no process left, the port is free, stdout is JSON lines', async () => {
    const port = await freePort();
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...process.env, ...scratchDbEnv('npmstart'), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', BOOTSTRAP_API_USER: '', BOOTSTRAP_API_PASSWORD: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    leftovers.push(npm.pid!);
    let out = '';
    let err = '';
    npm.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    npm.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const ended = exitOf(npm);
    // real processes on real time: poll /ready until it answers (bounded), there is nothing to drive
    const deadline = Date.now() + 60_000;
    while ((await status(`http://127.0.0.1:${port}/ready`)) !== 200) {
      if (Date.now() > deadline || npm.exitCode !== null) throw new Error(`gateway did not become ready:\n${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const tree = descendants(npm.pid!);
    leftovers.push(...tree);
    expect(tree.length, 'npm start runs the gateway as a child').to.be.greaterThan(0);

    npm.kill('SIGTERM');
    const code = await ended;
    expect(code, `${out}\n${err}`).to.equal(0);
    expect(tree.filter(isAlive), 'processes of the npm start tree still running after SIGTERM').to.deep.equal([]);
    expect(await portIsFree(port), 'the port is free again').to.equal(true);

    // stdout: npm's own banner ("> contactgate@x start", "> exec node ...", blank lines), then only JSON log lines
    const lines = out.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('> '));
    expect(lines.length).to.be.greaterThan(0);
    for (const l of lines) expect(() => JSON.parse(l), `not a JSON log line: ${l}`).not.to.throw();
    const msgs = logRecords(out).map((r) => r.msg);
    expect(msgs).to.include.members(['listening', 'demo account created (login shown once; keep it)', 'shutting down']);
  });

  it('every stdout line of a started gateway is JSON (start-up records, requests, shutdown)', async () => {
    const gw = await startGateway({ ...scratchDbEnv('jsonout'), BOOTSTRAP_API_USER: '', BOOTSTRAP_API_PASSWORD: '', SEGMENT_SWEEP_CRON: '*/1 * * * * *', LOG_LEVEL: 'debug' });
    expect(await status(`${gw.baseUrl}/ready`)).to.equal(200);
    gw.child.kill('SIGTERM');
    expect(await gw.exited).to.equal(0);
    const lines = gw.stdout().split('\n').filter((l) => l !== '');
    for (const l of lines) expect(() => JSON.parse(l), `not a JSON log line: ${l}`).not.to.throw();
    const records = logRecords(gw.stdout());
    expect(records.map((r) => r.msg)).to.include.members(['listening', 'shutting down']);
    const demo = records.filter((r) => r.oneTime === true);
    expect(demo).to.have.length(1);
    expect(demo[0]).to.include.keys('apiUsername', 'apiPassword', 'tryIt');
  });

  it('a database that does not answer: exit 1, and stdout is still JSON lines only (knex messages included)', async () => {
    const port = await freePort();
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, DB_CLIENT: 'mysql2', DB_HOST: '127.0.0.1', DB_PORT: String(port), DB_NAME: 'cg_nowhere', PORT: '0', LOG_LEVEL: 'info' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stdout + r.stderr).to.equal(1);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    for (const l of lines) expect(() => JSON.parse(l), `not a JSON log line: ${l}`).not.to.throw();
    const last = JSON.parse(lines[lines.length - 1]);
    expect(last).to.include({ level: 60, msg: 'contactgate failed to start' });
    expect(last.err.code).to.equal('ECONNREFUSED');
  });

  it('the built CLI runs as the package bin: `npx contactgate --help`', () => {
    const r = spawnSync('npx', ['--offline', '--no-install', 'contactgate', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include('Usage: contactgate').and.include('doctor');
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(fs.readFileSync(path.join(ROOT, pkg.bin.contactgate), 'utf8').startsWith('#!/usr/bin/env node\n')).to.equal(true);
    // why: npx links this folder once per path and sets the x bit only then; the build itself must leave the bin executable.
    expect(fs.statSync(path.join(ROOT, pkg.bin.contactgate)).mode & 0o111, 'the built bin is executable').to.equal(0o111);
  });

  it('bad settings stop the process with exit 1 and one JSON line naming each of them, before the database is touched', async () => {
    const env = scratchDbEnv('badcfg');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env, LOG_LEVEL: 'verbose', SEGMENT_SWEEP_CRON: 'every minute', RUN_JOBS: 'perhaps' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stdout + r.stderr).to.equal(1);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines, r.stdout).to.have.length(1);
    const rec = JSON.parse(lines[0]);
    expect(rec.level).to.equal(60);
    expect(rec.settings).to.have.members(['LOG_LEVEL', 'SEGMENT_SWEEP_CRON', 'RUN_JOBS']);
    expect(rec.msg).to.include('LOG_LEVEL').and.include('SEGMENT_SWEEP_CRON').and.include('RUN_JOBS');
    expect(r.stderr).to.equal('');
    expect(await databaseExists(env), 'the database was not created or migrated').to.equal(false);
  });
});
