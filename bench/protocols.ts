import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import express from 'express';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { connect } from '../src/db/connection';
import { migrateLatest } from '../src/db/migrate';
import { Store } from '../src/db/store';
import { systemClock } from '../src/lib/clock';
import { createServices } from '../src/services';

// req/s and p99 for GetContactByEmail and AddContactToAddressBook over v2 SOAP vs the REST equivalent vs a bare
// Express JSON route, in one run, autocannon on loopback. Usage: npx tsx bench/protocols.ts [seconds per round=2] [connections=10] [rounds=3]

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon');

const seconds = Number(process.argv[2] ?? 2);
const connections = Number(process.argv[3] ?? 10);
const rounds = Number(process.argv[4] ?? 3);

async function listen(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

interface Row {
  name: string;
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
}

interface Scenario {
  name: string;
  opts: Record<string, unknown>;
}

/**
 * Runs every scenario in `rounds` interleaved rounds (SOAP, REST, bare, SOAP, ...), so load from other processes on a
 * shared machine hits all of them alike; req/s is the mean over rounds, p99 the worst round. A discarded 1-second
 * warm-up per scenario comes first, so JIT and caches do not favour whichever runs later.
 */
async function runAll(scenarios: Scenario[], rounds: number): Promise<Row[]> {
  for (const sc of scenarios) await autocannon({ connections, duration: 1, ...sc.opts });
  const acc = scenarios.map((sc) => ({ name: sc.name, rps: 0, p99: 0, errors: 0, non2xx: 0 }));
  for (let i = 0; i < rounds; i++) {
    for (const [j, sc] of scenarios.entries()) {
      const r = await autocannon({ connections, duration: seconds, ...sc.opts });
      acc[j].rps += r.requests.average / rounds;
      acc[j].p99 = Math.max(acc[j].p99, r.latency.p99);
      acc[j].errors += r.errors;
      acc[j].non2xx += r.non2xx;
    }
  }
  return acc;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactgate-bench-'));
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
  if (!env.DB_CLIENT && !env.DATABASE_URL) env.DB_FILENAME = path.join(dir, 'bench.sqlite');
  const config = loadConfig(env);
  const { knex, dialect } = await connect(config.db);
  await migrateLatest(knex);
  const store = new Store(knex, dialect);
  const services = createServices(store, systemClock, config);
  const username = `bench-${Date.now()}@apiconnector.com`;
  const password = 'bench-password-1';
  const accountId = await services.accounts.createAccount('bench', username, password);
  const book = await services.addressBooks.create(accountId, { name: `Bench ${Date.now()}` });
  const email = 'bench.contact@example.com';
  await services.addressBooks.addContact(accountId, book.id, { email, dataFields: { FIRSTNAME: 'Ben' } });

  const gw = await listen(createApp({ services }));
  const bareApp = express();
  bareApp.use(express.json());
  const sample = { id: 1, email, optInType: 'Unknown', emailType: 'Html', dataFields: [{ key: 'FIRSTNAME', value: 'Ben' }], status: 'Subscribed' };
  bareApp.get('/bare/contacts/:email', (_req, res) => {
    res.json(sample);
  });
  bareApp.post('/bare/address-books/:id/contacts', (req, res) => {
    res.json({ ...sample, email: req.body.email });
  });
  // The physical reference: a hand-written Express route doing the same indexed reads (the contact by account and
  // email key, the account's data fields) on its own better-sqlite3 connection, and the same JSON. SQLite only.
  if (config.db.client === 'sqlite') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Database = require('better-sqlite3');
    const raw = new Database(config.db.filename, { readonly: true });
    const byKey = raw.prepare('select * from contacts where account_id = ? and email_key = ?');
    const fieldsOf = raw.prepare('select name, type, visibility, default_value from data_fields where account_id = ? order by id');
    bareApp.get('/ref/contacts/:email', (req, res) => {
      const c = byKey.get(accountId, req.params.email.toLowerCase());
      if (!c) {
        res.status(404).json({ message: 'ERROR_CONTACT_NOT_FOUND' });
        return;
      }
      const data = JSON.parse(c.data);
      const dataFields = fieldsOf.all(accountId).map((f: { name: string }) => ({ key: f.name, value: data[f.name] ?? null }));
      res.json({ id: c.id, email: c.email, optInType: c.opt_in_type, emailType: c.email_type, dataFields, status: c.status });
    });
  }
  const bare = await listen(bareApp);

  const auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const soapHeaders = (op: string) => ({
    'Content-Type': 'text/xml; charset=utf-8',
    SOAPAction: `"http://apiconnector.com/v2/ApiService/${op}"`,
    Authorization: auth,
  });
  const env11 = (inner: string) => `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${inner}</s:Body></s:Envelope>`;
  const addXml = env11(
    `<AddContactToAddressBook xmlns="http://apiconnector.com/v2"><addressBookId>${book.id}</addressBookId>` +
      `<apiContact xmlns:a="http://apiconnector.com" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><a:Email>${email}</a:Email>` +
      `<a:OptInType>Single</a:OptInType><a:EmailType>Html</a:EmailType><a:DataFields><a:ApiContactData><a:Key>FIRSTNAME</a:Key>` +
      `<a:Value i:type="b:string" xmlns:b="http://www.w3.org/2001/XMLSchema">Ben</a:Value></a:ApiContactData></a:DataFields></apiContact></AddContactToAddressBook>`,
  );
  const addJson = JSON.stringify({ email, optInType: 'Single', emailType: 'Html', dataFields: [{ key: 'FIRSTNAME', value: 'Ben' }] });

  const byEmail = encodeURIComponent(email);
  const scenarios: Scenario[] = [
    {
      name: 'GetContactByEmail v2 SOAP',
      opts: {
        url: `${gw.url}/v2/Api.svc`,
        method: 'POST',
        headers: soapHeaders('GetContactByEmail'),
        body: env11(`<GetContactByEmail xmlns="http://apiconnector.com/v2"><email>${email}</email></GetContactByEmail>`),
      },
    },
    { name: 'GetContactByEmail REST', opts: { url: `${gw.url}/v2/contacts/${byEmail}`, headers: { Authorization: auth } } },
    { name: 'GetContactByEmail bare Express', opts: { url: `${bare.url}/bare/contacts/${byEmail}` } },
    ...(config.db.client === 'sqlite' ? [{ name: 'GetContactByEmail reference (Express + SQL)', opts: { url: `${bare.url}/ref/contacts/${byEmail}` } }] : []),
    { name: 'AddContactToAddressBook v2 SOAP', opts: { url: `${gw.url}/v2/Api.svc`, method: 'POST', headers: soapHeaders('AddContactToAddressBook'), body: addXml } },
    {
      name: 'AddContactToAddressBook REST',
      opts: { url: `${gw.url}/v2/address-books/${book.id}/contacts`, method: 'POST', headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: addJson },
    },
    {
      name: 'AddContactToAddressBook bare Express',
      opts: { url: `${bare.url}/bare/address-books/${book.id}/contacts`, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: addJson },
    },
  ];
  const rows = await runAll(scenarios, rounds);

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\n${new Date().toISOString()}  ${os.cpus().length} CPUs (${cpu}), node ${process.version}, ${config.db.client}, ${connections} connections, ${rounds} interleaved rounds of ${seconds}s per scenario\n`);
  console.log('| Scenario | req/s | p99 ms | errors | non-2xx | vs REST |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const op = r.name.split(' ')[0];
    const rest = rows.find((x) => x.name === `${op} REST`)!;
    console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p99} | ${r.errors} | ${r.non2xx} | ${((100 * r.rps) / rest.rps).toFixed(0)}% |`);
  }
  const ref = rows.find((x) => x.name.startsWith('GetContactByEmail reference'));
  const rest = rows.find((x) => x.name === 'GetContactByEmail REST')!;
  if (ref) console.log(`\nREST GetContactByEmail / reference (Express + SQL): ${(rest.rps / ref.rps).toFixed(2)}x (target >= 0.6x)`);
  gw.server.close();
  bare.server.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
