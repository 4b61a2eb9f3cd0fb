import { expect } from 'chai';
import { EXIT } from '../../src/cli/context';
import { runCli } from '../helpers/cli';
import { scratchDbEnv } from '../helpers/db';

describe('CLI: programs add, list and status', function () {
  this.timeout(120_000);
  let env: Record<string, string>;
  let account: string;

  before(async () => {
    env = scratchDbEnv('cliprog');
    const r = await runCli(env, 'accounts', 'create', '--name', 'Programs', '--user', `prog-${process.pid}@example.com`, '--password', 'prog-secret-1');
    expect(r.code, r.err).to.equal(EXIT.ok);
    account = r.out.trim();
  });

  it('add prints the id; status switches it; list shows it; bad status 2, unknown account 3, unknown program 3', async () => {
    const made = await runCli(env, 'programs', 'add', '--account', account, '--name', 'Welcome');
    expect(made.code, made.err).to.equal(EXIT.ok);
    const id = Number(made.out.trim());
    expect(id).to.be.greaterThan(0);
    const st = await runCli(env, 'programs', 'status', '--account', account, '--id', String(id), '--status', 'active');
    expect(st.code, st.err).to.equal(EXIT.ok);
    expect(st.out.trim()).to.equal(`${id} Active`);
    const table = await runCli(env, 'programs', 'list', '--account', account);
    expect(table.out.split('\n')[0]).to.equal('ID\tNAME\tSTATUS\tCREATED');
    expect(table.out).to.match(new RegExp(`^${id}\\tWelcome\\tActive\\t`, 'm'));
    const json = await runCli(env, 'programs', 'list', '--account', account, '--json');
    expect(JSON.parse(json.out)).to.have.length(1);
    const bad = await runCli(env, 'programs', 'status', '--account', account, '--id', String(id), '--status', 'Running');
    expect(bad.code).to.equal(EXIT.usage);
    expect(bad.err).to.include('ERROR_PROGRAM_INVALID');
    expect((await runCli(env, 'programs', 'add', '--account', '987654', '--name', 'X')).code).to.equal(EXIT.notFound);
    expect((await runCli(env, 'programs', 'status', '--account', account, '--id', '99999', '--status', 'Active')).code).to.equal(EXIT.notFound);
  });
});
