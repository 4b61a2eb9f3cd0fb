import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Command } from 'commander';
import { buildProgram } from '../../src/cli/main';
import { EXIT } from '../../src/cli/context';
import { scratchDbEnv } from '../helpers/db';

const ROOT = path.resolve(__dirname, '..', '..');

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

/** Runs the CLI as a child process (the way scripts run it) on the given environment. */
function cli(env: Record<string, string>, ...args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

/** Every command path of the program (`accounts create`, `db status`, ...), parents included. */
function commandPaths(c: Command, prefix: string[] = []): string[][] {
  return c.commands.flatMap((sub) => {
    const p = [...prefix, sub.name()];
    return [p, ...commandPaths(sub, p)];
  });
}

describe('CLI: one entry point, --help everywhere, exit codes scripts can trust', function () {
  this.timeout(120_000);
  let env: Record<string, string>;
  before(() => {
    env = scratchDbEnv('cli');
  });

  it('prints --help (exit 0) for the program and for every command and subcommand', async () => {
    const paths = commandPaths(buildProgram());
    expect(paths.map((p) => p.join(' '))).to.include.members(['accounts create', 'accounts list', 'users create', 'users list', 'db migrate', 'db status', 'segments list', 'segments refresh', 'sweeper run-once', 'import', 'address-books create', 'address-books list', 'data-fields create', 'data-fields list', 'segments create', 'imports list', 'doctor']);
    const all = [[], ...paths];
    // a few children at a time: the machine has two cores
    for (let i = 0; i < all.length; i += 4) {
      const runs = await Promise.all(all.slice(i, i + 4).map((p) => cli(env, ...p, '--help').then((r) => ({ p, r }))));
      for (const { p, r } of runs) {
        expect(r.code, `${p.join(' ')} --help: ${r.err}`).to.equal(EXIT.ok);
        expect(r.out, p.join(' ')).to.include(`Usage: contactgate${p.length ? ' ' + p.join(' ') : ''}`);
        expect(r.out, p.join(' ')).to.match(/-h, --help/);
        expect(r.err).to.equal('');
      }
    }
  });

  it('exit 2 on usage errors: no command, an unknown command, a missing required option, a non-numeric id', async () => {
    const [none, unknown, missing, badId] = await Promise.all([
      cli(env),
      cli(env, 'frobnicate'),
      cli(env, 'accounts', 'create', '--name', 'X'),
      cli(env, 'segments', 'refresh', 'abc'),
    ]);
    expect(none.code).to.equal(EXIT.usage);
    expect(none.err + none.out).to.include('Usage: contactgate');
    expect(unknown.code).to.equal(EXIT.usage);
    expect(unknown.err).to.include("unknown command 'frobnicate'");
    expect(missing.code).to.equal(EXIT.usage);
    expect(missing.err).to.include("required option '--user <username>' not specified");
    expect(badId.code).to.equal(EXIT.usage);
    expect(badId.err).to.include('ERROR_PARAMETER_INVALID');
  });

  it('db migrate/status, accounts, users, sweeper run-once, segments list succeed with 0 and print what they did', async () => {
    const fresh = scratchDbEnv('cli_fresh');
    const migrate = await cli(fresh, 'db', 'migrate');
    expect(migrate.code, migrate.err).to.equal(EXIT.ok);
    expect(migrate.out).to.match(/^applied: 001_initial/);
    const again = await cli(fresh, 'db', 'migrate');
    expect(again.out.trim()).to.equal('up to date');
    const status = await cli(fresh, 'db', 'status');
    expect(status.code).to.equal(EXIT.ok);
    expect(status.out).to.match(/^applied {2}001_initial$/m);
    expect(status.out).not.to.include('pending');

    const user = `cli-${process.pid}@example.com`;
    const created = await cli(env, 'accounts', 'create', '--name', 'CLI account', '--user', user, '--password', 'cli-secret-1');
    expect(created.code, created.err).to.equal(EXIT.ok);
    const accountId = created.out.trim();
    expect(accountId).to.match(/^\d+$/);
    const list = await cli(env, 'accounts', 'list', '--json');
    expect(list.code).to.equal(EXIT.ok);
    expect(JSON.parse(list.out).find((a: { id: number }) => String(a.id) === accountId)).to.deep.include({ name: 'CLI account', users: [user] });
    const users = await cli(env, 'users', 'list', '--account', accountId);
    expect(users.out.trim()).to.equal(`${accountId}\t${user}`);
    expect(users.out + list.out).not.to.include('cli-secret-1');

    const sweep = await cli(env, 'sweeper', 'run-once');
    expect(sweep.code, sweep.err).to.equal(EXIT.ok);
    expect(sweep.out).to.match(/\d+ segment\(s\) due/);
    const segs = await cli(env, 'segments', 'list', '--account', accountId);
    expect(segs.code).to.equal(EXIT.ok);
    expect(segs.out.split('\n')[0]).to.include('LAST REFRESHED');
  });

  it('exit 3 when something is not found and 4 on a conflict', async () => {
    const user = `cli-dup-${process.pid}@example.com`;
    expect((await cli(env, 'accounts', 'create', '--name', 'D', '--user', user, '--password', 'cli-secret-2')).code).to.equal(EXIT.ok);
    const [dup, noSeg, noFile, noAccount] = await Promise.all([
      cli(env, 'accounts', 'create', '--name', 'D', '--user', user, '--password', 'cli-secret-2'),
      cli(env, 'segments', 'refresh', '987654'),
      cli(env, 'import', path.join(os.tmpdir(), `no-such-${process.pid}.csv`), '--account', '1'),
      (async () => {
        const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cg-cli-')), 'c.csv');
        fs.writeFileSync(f, 'Email\na@b.com\n');
        return cli(env, 'import', f, '--account', '987654');
      })(),
    ]);
    expect(dup.code, dup.err).to.equal(EXIT.conflict);
    expect(dup.err).to.include('already exists');
    expect(noSeg.code).to.equal(EXIT.notFound);
    expect(noSeg.err).to.include('ERROR_SEGMENT_NOT_FOUND');
    expect(noFile.code).to.equal(EXIT.notFound);
    expect(noFile.err).to.include('no such file');
    expect(noAccount.code, noAccount.err).to.equal(EXIT.notFound);
  });

  it('db status exits 1 when migrations are pending (a database nobody migrated)', async () => {
    const r = await cli(scratchDbEnv('cli_empty'), 'db', 'status');
    expect(r.code).to.equal(EXIT.failed);
    expect(r.out).to.match(/^pending {2}001_initial$/m);
  });
});
