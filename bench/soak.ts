// Bounded soak (loopback only, stops by itself): mixed single writes on REST, v2 SOAP and v1 SOAP, imports through the
// three dialects and segment sweeps, all at once against one in-process gateway with its job runner and sweeper.
// At the end: every contact written holds its last written values, and segment membership equals a recomputation by
// an independent checker (plain JS over the values this script wrote; the segment compiler is not used).
// Usage: npm run bench:soak (SQLite temp file) or DB_CLIENT=mysql2 npm run bench:soak (MariaDB database
// cg_soak, dropped afterwards). SOAK_SECONDS (default 300), SOAK_WRITERS (default 3 concurrent single-write loops).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import knexFactory from 'knex';
import { Config, loadConfig } from '../src/config';
import { connect, knexOptions } from '../src/db/connection';
import { migrateLatest } from '../src/db/migrate';
import { Store } from '../src/db/store';
import { systemClock } from '../src/lib/clock';
import { silentLogger } from '../src/lib/logger';
import { createServices, Services } from '../src/services';
import { createApp } from '../src/app';
import { createBackground } from '../src/jobs';
import { collectGarbage } from '../test/helpers/gc';

/** Config overrides a soak needs: fast sweeps and job polling, no rate limit in the way. */
export const SOAK_CONFIG: Partial<Config> = {
  segmentSweepCron: '*/1 * * * * *',
  segmentRefreshQuietMs: 500,
  segmentRefreshMaxDelayMs: 3000,
  jobPollMs: 50,
  rateLimitPerHour: 100_000_000,
  importChunkRows: 50,
};

/** What a soak run measured. */
export interface SoakResult {
  seconds: number;
  requests: Record<'rest' | 'v2' | 'v1', number>;
  imports: number;
  importedRows: number;
  /** Responses with HTTP status >= 500 on REST, or any SOAP fault (every request the soak sends is valid). */
  serverErrors: number;
  /** Answers naming a deadlock / lock wait / busy database (retries that were exhausted and surfaced). */
  deadlocksSurfaced: number;
  /** Other unexpected answers (4xx on a valid request). */
  otherErrors: number;
  errorSamples: string[];
  rssStartMb: number;
  rssEndMb: number;
  heapStartMb: number;
  heapEndMb: number;
  contacts: number;
  /** Contacts whose stored values differ from the last written ones (or that are missing). */
  wrongContacts: number;
  /** Per segment: members expected by the independent checker vs members stored. */
  segments: Array<{ name: string; expected: number; actual: number; missing: number; extra: number }>;
  settleMs: number;
  p50ms: number;
  p99ms: number;
}

interface Written {
  score: number;
  colour: string;
}

const COLOURS = ['Blue', 'Red', 'Green', 'navy blue', 'Yellow'];
const V1_NS = 'http://apiconnector.com';
const V2_NS = 'http://apiconnector.com/v2';
const ENV = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';

/** The independent checker's rules (plain JS over the written values; mirrors the segment definitions below). */
const CHECKS: Array<{ name: string; rules: unknown; member: (w: Written) => boolean }> = [
  { name: 'score >= 50', rules: { all: [{ dataField: 'SCORE', op: '>=', value: 50 }] }, member: (w) => w.score >= 50 },
  {
    name: 'blue or low',
    rules: { any: [{ dataField: 'COLOUR', op: 'contains', value: 'BLUE' }, { dataField: 'SCORE', op: '<', value: 10 }] },
    member: (w) => w.colour.toLowerCase().includes('blue') || w.score < 10,
  },
  {
    name: 'red and 20..40',
    rules: { all: [{ dataField: 'COLOUR', op: 'equals', value: 'red' }, { dataField: 'SCORE', op: 'between', values: [20, 40] }] },
    member: (w) => w.colour.toLowerCase() === 'red' && w.score >= 20 && w.score <= 40,
  },
];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Runs the soak against a started gateway (its services, with the job runner and sweeper running). */
export async function soak(o: { baseUrl: string; services: Services; seconds: number; writers?: number; log?: (s: string) => void }): Promise<SoakResult> {
  const s = o.services;
  const log = o.log ?? (() => undefined);
  const username = `soak-${process.pid}-${Date.now()}@apiconnector.com`;
  const password = `soak-pw-${Math.random().toString(36).slice(2)}-X9`;
  const accountId = await s.accounts.createAccount('soak', username, password);
  const auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  await s.dataFields.create(accountId, { name: 'SCORE', type: 'Numeric' });
  await s.dataFields.create(accountId, { name: 'COLOUR', type: 'String' });
  const book = (await s.addressBooks.create(accountId, { name: 'soak book' })).id;
  const segs: number[] = [];
  for (const c of CHECKS) segs.push((await s.segments.create(accountId, { name: c.name, rules: { all: [{ addressBook: book, op: 'in' }, c.rules] } })).id);

  const written = new Map<string, Written>();
  const res: SoakResult = {
    seconds: o.seconds,
    requests: { rest: 0, v2: 0, v1: 0 },
    imports: 0,
    importedRows: 0,
    serverErrors: 0,
    deadlocksSurfaced: 0,
    otherErrors: 0,
    errorSamples: [],
    rssStartMb: 0,
    rssEndMb: 0,
    heapStartMb: 0,
    heapEndMb: 0,
    contacts: 0,
    wrongContacts: 0,
    segments: [],
    settleMs: 0,
    p50ms: 0,
    p99ms: 0,
  };
  const latencies: number[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const call = (method: string, p: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = http.request(`${o.baseUrl}${p}`, { method, agent, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (r) => {
        const parts: Buffer[] = [];
        r.on('data', (d: Buffer) => parts.push(d));
        r.on('end', () => {
          latencies.push(performance.now() - t0);
          resolve({ status: r.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8') });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  const judge = (what: string, r: { status: number; text: string }, ok: number[]) => {
    if (ok.includes(r.status) && !/Fault>/.test(r.text)) return true;
    if (/deadlock|lock wait|SERVICETEMPORARILYUNAVAILABLE/i.test(r.text)) res.deadlocksSurfaced++;
    else if (r.status >= 500) res.serverErrors++;
    else res.otherErrors++;
    if (res.errorSamples.length < 5) res.errorSamples.push(`${what} ${r.status} ${r.text.slice(0, 300)}`);
    return false;
  };

  const rest = (method: string, p: string, body: unknown) => call(method, p, body === undefined ? '' : JSON.stringify(body), { 'Content-Type': 'application/json', Authorization: auth });
  const v2 = (op: string, inner: string) =>
    call('POST', '/v2/Api.svc', `<s:Envelope ${ENV} xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><${op} xmlns="${V2_NS}">${inner}</${op}></s:Body></s:Envelope>`, {
      'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: `"${V2_NS}/ApiService/${op}"`,
      Authorization: auth,
    });
  const v1 = (op: string, inner: string) =>
    call(
      'POST',
      '/api.asmx',
      `<soap:Envelope ${ENV} xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><${op} xmlns="${V1_NS}"><username>${esc(username)}</username><password>${esc(password)}</password>${inner}</${op}></soap:Body></soap:Envelope>`,
      { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${V1_NS}/${op}"` },
    );

  /** One single write through one dialect: upsert the contact into the book with new values. */
  const writeOne = async (dialect: 'rest' | 'v2' | 'v1', email: string, w: Written): Promise<boolean> => {
    res.requests[dialect]++;
    if (dialect === 'rest') {
      const r = await rest('POST', `/v2/address-books/${book}/contacts`, { email, dataFields: [{ key: 'SCORE', value: w.score }, { key: 'COLOUR', value: w.colour }] });
      return judge('REST add', r, [200, 201]);
    }
    if (dialect === 'v2') {
      const r = await v2(
        'AddContactToAddressBook',
        `<addressBookId>${book}</addressBookId><apiContact xmlns:d="${V1_NS}"><d:Email>${esc(email)}</d:Email><d:DataFields>` +
          `<d:ApiContactData><d:Key>SCORE</d:Key><d:Value xsi:type="xsd:int">${w.score}</d:Value></d:ApiContactData>` +
          `<d:ApiContactData><d:Key>COLOUR</d:Key><d:Value xsi:type="xsd:string">${esc(w.colour)}</d:Value></d:ApiContactData></d:DataFields></apiContact>`,
      );
      return judge('v2 AddContactToAddressBook', r, [200]);
    }
    const r = await v1(
      'AddContactToAddressBook',
      `<contact><ID>-1</ID><Email>${esc(email)}</Email><AudienceType>Unknown</AudienceType><DataFields><Keys><string>SCORE</string><string>COLOUR</string></Keys>` +
        `<Values><anyType xsi:type="xsd:int">${w.score}</anyType><anyType xsi:type="xsd:string">${esc(w.colour)}</anyType></Values></DataFields>` +
        `<OptInType>Unknown</OptInType><EmailType>Html</EmailType></contact><addressbookId>${book}</addressbookId>`,
    );
    return judge('v1 AddContactToAddressBook', r, [200]);
  };

  const writers = o.writers ?? 3;
  const POOL = 150; // emails per writer: each writer owns its emails, so "last written" is well defined
  const end = Date.now() + o.seconds * 1000;
  let rng = 12345;
  const rand = (n: number) => {
    rng = (rng * 1103515245 + 12345) % 2147483648;
    return rng % n;
  };
  const writer = async (wi: number) => {
    const dialects = ['rest', 'v2', 'v1'] as const;
    for (let k = 0; Date.now() < end; k++) {
      const email = `w${wi}-${rand(POOL)}@soak.example.com`;
      const w = { score: rand(100), colour: COLOURS[rand(COLOURS.length)] };
      if (await writeOne(dialects[(k + wi) % 3], email, w)) written.set(email, w);
      else written.set(email, { score: -1, colour: '?' }); // unknown outcome: the final check will count it wrong
    }
  };
  /** Imports of 200 rows into the book, one at a time, rotating the dialect; waits for each to finish. */
  const importer = async () => {
    for (let k = 0; Date.now() < end; k++) {
      const rows: Array<[string, Written]> = [];
      for (let i = 0; i < 200; i++) rows.push([`imp-${rand(600)}@soak.example.com`, { score: rand(100), colour: COLOURS[rand(COLOURS.length)] }]);
      const csv = Buffer.from(`Email,SCORE,COLOUR\r\n${rows.map(([e, w]) => `${e},${w.score},${w.colour}`).join('\r\n')}\r\n`).toString('base64');
      const which = (['rest', 'v2', 'v1'] as const)[k % 3];
      res.requests[which]++;
      let id: string | undefined;
      if (which === 'rest') {
        const r = await rest('POST', `/v2/address-books/${book}/contacts/import`, { fileName: 'soak.csv', data: csv });
        if (judge('REST import', r, [202])) id = JSON.parse(r.text).id;
      } else if (which === 'v2') {
        const r = await v2('ImportContactsToAddressBook', `<addressBookId>${book}</addressBookId><data>${csv}</data><dataType>CSV</dataType>`);
        if (judge('v2 import', r, [200])) id = /<(?:\w+:)?Id>([^<]+)</.exec(r.text)?.[1];
      } else {
        const r = await v1('AddContactsToAddressBookWithProgress', `<addressbookID>${book}</addressbookID><data>${csv}</data><dataType>CSV</dataType>`);
        if (judge('v1 import', r, [200])) id = /Result>([0-9a-f-]{36})</.exec(r.text)?.[1];
      }
      if (!id) continue;
      for (;;) {
        const st = await rest('GET', `/v2/contacts/import/${id}`, undefined);
        res.requests.rest++;
        if (!judge('REST import status', st, [200])) break;
        const status = JSON.parse(st.text).status;
        if (status === 'Finished') {
          // first-wins on duplicate emails inside one file, as the import documents
          const seen = new Set<string>();
          for (const [e, w] of rows) {
            if (seen.has(e)) continue;
            seen.add(e);
            written.set(e, w);
          }
          res.imports++;
          res.importedRows += seen.size;
          break;
        }
        if (status !== 'NotFinished') {
          judge('import ended', { status: 0, text: status }, [-1]);
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  // Warm up, then measure memory from here.
  await writeOne('rest', 'warmup@soak.example.com', { score: 1, colour: 'Blue' });
  written.set('warmup@soak.example.com', { score: 1, colour: 'Blue' });
  collectGarbage();
  res.rssStartMb = mb(process.memoryUsage().rss);
  res.heapStartMb = mb(process.memoryUsage().heapUsed);
  const ticker = setInterval(() => log(`  ${Math.round((end - Date.now()) / 1000)} s left, ${res.requests.rest + res.requests.v1 + res.requests.v2} requests, rss ${mb(process.memoryUsage().rss)} MB`), 30_000);
  try {
    await Promise.all([...Array.from({ length: writers }, (_, i) => writer(i)), importer()]);
  } finally {
    clearInterval(ticker);
  }

  // Settle: the sweeper and runner bring every segment up to date by themselves.
  const t0 = Date.now();
  for (;;) {
    const views = await Promise.all(segs.map((id) => s.segments.get(accountId, id)));
    if (views.every((v) => !v.pendingRefresh)) break;
    if (Date.now() - t0 > 120_000) throw new Error('segments did not settle within 120 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  res.settleMs = Date.now() - t0;
  collectGarbage();
  res.rssEndMb = mb(process.memoryUsage().rss);
  res.heapEndMb = mb(process.memoryUsage().heapUsed);
  agent.destroy();

  // Independent check: stored values vs written ones; membership vs plain JS over the written values.
  const rows = await s.store.knex('contacts').where({ account_id: accountId }).select('id', 'email', 'data');
  const byEmail = new Map(rows.map((r) => [String(r.email).toLowerCase(), { id: Number(r.id), data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data }]));
  res.contacts = written.size;
  for (const [e, w] of written) {
    const got = byEmail.get(e);
    if (!got || Number(got.data?.SCORE) !== w.score || got.data?.COLOUR !== w.colour) res.wrongContacts++;
  }
  const inBook = new Set(
    (await s.store.knex('address_book_contacts').where({ address_book_id: book, status: 'Subscribed' }).select('contact_id')).map((r) => Number(r.contact_id)),
  );
  for (const [i, c] of CHECKS.entries()) {
    const expected = new Set<number>();
    for (const [e, w] of written) {
      const id = byEmail.get(e)?.id;
      if (id !== undefined && inBook.has(id) && c.member(w)) expected.add(id);
    }
    const actual = new Set((await s.store.knex('segment_members').where({ segment_id: segs[i] }).select('contact_id')).map((r) => Number(r.contact_id)));
    res.segments.push({
      name: c.name,
      expected: expected.size,
      actual: actual.size,
      missing: [...expected].filter((x) => !actual.has(x)).length,
      extra: [...actual].filter((x) => !expected.has(x)).length,
    });
  }
  const sorted = latencies.sort((a, b) => a - b);
  res.p50ms = round(sorted[Math.floor(sorted.length / 2)] ?? 0);
  res.p99ms = round(sorted[Math.floor(sorted.length * 0.99)] ?? 0);
  return res;
}

const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
const round = (n: number) => Math.round(n * 10) / 10;

/** Prints a result as a table. */
export function printSoak(r: SoakResult, engine: string): void {
  const total = r.requests.rest + r.requests.v1 + r.requests.v2;
  const lines: Array<[string, string]> = [
    ['engine', engine],
    ['duration', `${r.seconds} s`],
    ['requests (REST / v2 / v1)', `${total} (${r.requests.rest} / ${r.requests.v2} / ${r.requests.v1}), ${Math.round(total / r.seconds)}/s`],
    ['latency p50 / p99', `${r.p50ms} ms / ${r.p99ms} ms`],
    ['imports finished (rows)', `${r.imports} (${r.importedRows})`],
    ['5xx / SOAP faults', String(r.serverErrors)],
    ['deadlocks surfaced', String(r.deadlocksSurfaced)],
    ['other errors', String(r.otherErrors)],
    ['RSS start -> end', `${r.rssStartMb} MB -> ${r.rssEndMb} MB`],
    ['heap start -> end', `${r.heapStartMb} MB -> ${r.heapEndMb} MB`],
    ['contacts written / wrong', `${r.contacts} / ${r.wrongContacts}`],
    ['settle after load', `${r.settleMs} ms`],
    ...r.segments.map((g): [string, string] => [`segment "${g.name}"`, `expected ${g.expected}, stored ${g.actual}, missing ${g.missing}, extra ${g.extra}`]),
  ];
  const w = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) console.log(`| ${k.padEnd(w)} | ${v}`);
  for (const e of r.errorSamples) console.log(`  error sample: ${e}`);
}

async function main(): Promise<void> {
  const base = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  let cfg: Config;
  let cleanup: () => Promise<void>;
  if (base.db.client === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-soak-'));
    cfg = { ...base, ...SOAK_CONFIG, db: { client: 'sqlite', filename: path.join(dir, 'soak.sqlite') } };
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    cfg = { ...base, ...SOAK_CONFIG, db: { ...base.db, database: 'cg_soak' } };
    const admin = knexFactory({ ...knexOptions({ ...base.db, database: '' }), pool: { min: 0, max: 1 } });
    await admin.raw('DROP DATABASE IF EXISTS cg_soak');
    cleanup = async () => {
      await admin.raw('DROP DATABASE IF EXISTS cg_soak');
      await admin.destroy();
    };
  }
  const { knex, dialect } = await connect(cfg.db);
  await migrateLatest(knex);
  const store = new Store(knex, dialect);
  const services = createServices(store, systemClock, cfg);
  const server = http.createServer(createApp({ services, log: silentLogger }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const bg = createBackground(services, silentLogger);
  bg.start();
  const seconds = Number(process.env.SOAK_SECONDS ?? 300);
  try {
    console.log(`soak on ${dialect}, ${new Date().toISOString()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${seconds} s`);
    const r = await soak({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      services,
      seconds,
      writers: Number(process.env.SOAK_WRITERS ?? 3),
      log: (l) => console.log(l),
    });
    printSoak(r, dialect);
    const bad = r.serverErrors + r.deadlocksSurfaced + r.otherErrors + r.wrongContacts + r.segments.reduce((n, g) => n + g.missing + g.extra, 0);
    process.exitCode = bad ? 1 : 0;
  } finally {
    await bg.stop();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await knex.destroy();
    await cleanup();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
