import { expect } from 'chai';
import { EXIT } from '../../src/cli/context';
import { runCli } from '../helpers/cli';
import { scratchDbEnv } from '../helpers/db';

// The CLI's management of custom from addresses (what the vendor operations list) and of the outbox.

describe('CLI: custom from addresses of an account', function () {
  this.timeout(120_000);
  let env: Record<string, string>;
  let account: string;

  before(async () => {
    env = scratchDbEnv('clisenders');
    const r = await runCli(env, 'accounts', 'create', '--name', 'Senders', '--user', `senders-${process.pid}@example.com`, '--password', 'senders-secret-1');
    expect(r.code, r.err).to.equal(EXIT.ok);
    account = r.out.trim();
  });

  it('from-addresses add prints the id; list shows it (table and JSON); duplicate 4, bad address 2, remove, unknown id 3', async () => {
    const made = await runCli(env, 'from-addresses', 'add', '--account', account, '--email', 'news@acme.example');
    expect(made.code, made.err).to.equal(EXIT.ok);
    const id = Number(made.out.trim());
    expect(id).to.be.greaterThan(0);
    const dup = await runCli(env, 'from-addresses', 'add', '--account', account, '--email', 'NEWS@acme.example');
    expect(dup.code, dup.err).to.equal(EXIT.conflict);
    expect(dup.err).to.include('ERROR_CUSTOM_FROM_ADDRESS_DUPLICATE');
    const bad = await runCli(env, 'from-addresses', 'add', '--account', account, '--email', 'nope');
    expect(bad.code).to.equal(EXIT.usage);
    const table = await runCli(env, 'from-addresses', 'list', '--account', account);
    expect(table.out.split('\n')[0]).to.equal('ID\tEMAIL\tCREATED');
    expect(table.out).to.match(new RegExp(`^${id}\\tnews@acme\\.example\\t`, 'm'));
    const json = await runCli(env, 'from-addresses', 'list', '--account', account, '--json');
    expect(JSON.parse(json.out).map((a: { id: number; email: string }) => [a.id, a.email])).to.deep.equal([[id, 'news@acme.example']]);
    expect((await runCli(env, 'from-addresses', 'remove', '--account', account, '--id', String(id))).code).to.equal(EXIT.ok);
    const again = await runCli(env, 'from-addresses', 'remove', '--account', account, '--id', String(id));
    expect(again.code).to.equal(EXIT.notFound);
    expect(JSON.parse((await runCli(env, 'from-addresses', 'list', '--account', account, '--json')).out)).to.deep.equal([]);
  });
});
