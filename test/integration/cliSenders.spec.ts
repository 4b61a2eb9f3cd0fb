import { expect } from 'chai';
import { EXIT } from '../../src/cli/context';
import { runCli } from '../helpers/cli';
import { scratchDbEnv } from '../helpers/db';
import { loadConfig } from '../../src/config';
import { connect } from '../../src/db/connection';
import { Store } from '../../src/db/store';
import { createServices } from '../../src/services';
import { systemClock } from '../../src/lib/clock';

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

  it('outbox list shows pending rows; claim prints a token and rows; ack acknowledges once (exit 4 on a repeat)', async () => {
    // Two SMS rows in the CLI's database, written through the service as the gateway would.
    const config = loadConfig({ ...process.env, ...env, LOG_LEVEL: 'silent' });
    const { knex, dialect } = await connect(config.db);
    const store = new Store(knex, dialect);
    const s = createServices(store, systemClock, config);
    const ids = [await s.sms.send(Number(account), '+447700900123', 'Hello'), await s.sms.send(Number(account), '+447700900124', 'Again')];
    await store.close();
    const table = await runCli(env, 'outbox', 'list', '--account', account);
    expect(table.code, table.err).to.equal(EXIT.ok);
    expect(table.out.split('\n')[0]).to.equal('ID\tACCOUNT\tKIND\tTO\tCREATED\tCLAIMED_UNTIL\tACKED');
    expect(table.out).to.match(new RegExp(`^${ids[0]}\\t${account}\\tsms\\t\\+447700900123\\t`, 'm'));
    const claim = await runCli(env, 'outbox', 'claim', '--account', account, '--limit', '1', '--lease-seconds', '30');
    expect(claim.code, claim.err).to.equal(EXIT.ok);
    const c = JSON.parse(claim.out) as { claimToken: string; rows: Array<{ id: number; payload: unknown }> };
    expect(c.rows.map((r) => r.id)).to.deep.equal([ids[0]]);
    expect(c.rows[0].payload).to.deep.equal({ message: 'Hello' });
    const ack = await runCli(env, 'outbox', 'ack', '--token', c.claimToken, '--ids', String(ids[0]));
    expect(ack.code, ack.err).to.equal(EXIT.ok);
    expect(JSON.parse(ack.out)).to.deep.equal({ acked: [ids[0]], rejected: [] });
    const again = await runCli(env, 'outbox', 'ack', '--token', c.claimToken, '--ids', String(ids[0]));
    expect(again.code).to.equal(EXIT.conflict);
    expect(JSON.parse(again.out)).to.deep.equal({ acked: [], rejected: [ids[0]] });
    const pending = JSON.parse((await runCli(env, 'outbox', 'list', '--account', account, '--json')).out) as Array<{ id: number }>;
    expect(pending.map((r) => r.id)).to.deep.equal([ids[1]]);
    expect((await runCli(env, 'outbox', 'ack', '--token', c.claimToken, '--ids', 'x')).code).to.equal(EXIT.usage);
  });
});
