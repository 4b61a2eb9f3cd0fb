import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { drainJobs } from '../../helpers/imports';

// Segment rules with SQL metacharacters, LIKE wildcards and JSON-path tricks: values match literally, names are
// refused, nothing else in the database changes. Membership is compared with a plain JS evaluation of the same rule.

const VALUES = [
  'plain',
  '100%',
  '100% sure',
  'a_c',
  'abc',
  'a\\c',
  'a\\\\c',
  'x!y',
  'x!%y',
  "it's",
  `'; DROP TABLE contacts; --`,
  `" OR "1"="1`,
  '%',
  '_',
  '\\',
  '!',
  '$."x"',
  '[0]',
  'ÄÖü%',
  'ÄRGER',
];
/** Needles: each wildcard and escape character alone and inside text, and SQL. */
const NEEDLES = ['%', '_', '\\', '!', '100%', 'a_c', 'a\\c', '!%', "'", `'; DROP TABLE contacts; --`, '" OR "1"="1', '%_', '\\\\', '$."x"', '[0]', 'äöü%', 'Ärger', 'ärger'];
const OPS: Record<string, (v: string, n: string) => boolean> = {
  contains: (v, n) => v.includes(n),
  startsWith: (v, n) => v.startsWith(n),
  endsWith: (v, n) => v.endsWith(n),
  equals: (v, n) => v === n,
  notEquals: (v, n) => v !== n,
};
const TABLES = ['accounts', 'contacts', 'data_fields', 'segments', 'segment_members', 'address_books'];

describe('hardening: segment rules with SQL metacharacters, LIKE wildcards and JSON-path tricks', function () {
  this.timeout(60_000);
  let app: TestApp;
  let login: TestLogin;
  let other: TestLogin;
  let api: RestClient;
  const emails: string[] = [];

  const members = async (id: number): Promise<string[]> => {
    const r = await api.get(`/v2/segments/${id}/contacts?select=1000`);
    expect(r.status, r.text).to.equal(200);
    return r.body.map((c: { email: string }) => c.email).sort();
  };

  before(async () => {
    app = await startApp();
    login = await app.newAccount('rules');
    other = await app.newAccount('bystander');
    api = new RestClient(app.baseUrl, login);
    await app.services.contacts.create(other.accountId, { email: 'bystander@example.com' });
    expect((await api.post('/v2/data-fields', { name: 'TXT', type: 'String' })).status).to.equal(201);
    for (const [i, v] of VALUES.entries()) {
      const email = `v${i}@example.com`;
      const r = await api.post('/v2/contacts', { email, dataFields: [{ key: 'TXT', value: v }] });
      expect(r.status, r.text).to.equal(201);
      emails.push(email);
    }
    // wildcard characters in email addresses too
    for (const e of ['under_score@example.com', 'underxscore@example.com', 'pct%sign@example.com', 'pctxsign@example.com']) {
      expect((await api.post('/v2/contacts', { email: e })).status).to.equal(201);
    }
  });
  afterEach(async () => {
    for (const t of TABLES) expect(await app.services.store.knex.schema.hasTable(t), t).to.equal(true);
    expect((await app.services.contacts.list(other.accountId, {})).map((c) => c.email)).to.deep.equal(['bystander@example.com']);
  });
  after(() => app.close());

  it('contains/startsWith/endsWith/equals/notEquals match wildcards, escapes and SQL literally (case-insensitive)', async () => {
    const cases: Array<{ id: number; op: string; needle: string }> = [];
    for (const needle of NEEDLES) {
      for (const op of Object.keys(OPS)) {
        const r = await api.post('/v2/segments', { name: `${cases.length} ${op} ${needle}`.slice(0, 100), rules: { all: [{ dataField: 'TXT', op, value: needle }] } });
        expect(r.status, `${op} ${needle}: ${r.text}`).to.equal(201);
        cases.push({ id: r.body.id, op, needle });
      }
    }
    await drainJobs(app.services);
    let nonTrivial = 0;
    for (const c of cases) {
      const want = VALUES.map((v, i) => [v, emails[i]] as const)
        .filter(([v]) => OPS[c.op](v.toLowerCase(), c.needle.toLowerCase()))
        .map(([, e]) => e)
        .sort();
      // notEquals also holds for contacts without the field (the email-only contacts)
      const extra = c.op === 'notEquals' ? ['pct%sign@example.com', 'pctxsign@example.com', 'under_score@example.com', 'underxscore@example.com'] : [];
      const got = await members(c.id);
      expect(got, `${c.op} ${JSON.stringify(c.needle)}`).to.deep.equal([...want, ...extra].sort());
      if (want.length > 0 && want.length < VALUES.length - 1) nonTrivial++;
    }
    expect(nonTrivial).to.be.greaterThan(cases.length / 2);
  });

  it('email contains/domainIs/equals treat % _ ! \\ literally', async () => {
    const check = async (op: string, value: string, want: string[]) => {
      const r = await api.post('/v2/segments', { name: `email ${op} ${value}`, rules: { all: [{ contact: 'email', op, value }] } });
      expect(r.status, r.text).to.equal(201);
      await drainJobs(app.services);
      expect(await members(r.body.id), `${op} ${value}`).to.deep.equal(want.sort());
    };
    await check('contains', '_', ['under_score@example.com']);
    await check('contains', '%', ['pct%sign@example.com']);
    await check('contains', 'r_s', ['under_score@example.com']);
    await check('contains', '!', []);
    await check('contains', '\\', []);
    await check('domainIs', 'example.co_', []);
    await check('domainIs', '%', []);
    await check('equals', `' OR '1'='1`, []);
    await check('equals', 'pct%sign@example.com', ['pct%sign@example.com']);
  });

  it('field names with SQL or JSON-path syntax are refused; values with SQL in typed operators are refused', async () => {
    for (const name of ['a"b', '$', '.', '[0]', '$.TXT', 'TXT"', 'TXT.x', '$."TXT"', 'TXT[0]', `TXT' OR '1'='1`, 'TXT\\', '*', '__proto__']) {
      const f = await api.post('/v2/data-fields', { name, type: 'String' });
      expect(f.status, `create field ${name}`).to.equal(400);
      const r = await api.post('/v2/segments', { name: 'path trick', rules: { all: [{ dataField: name, op: 'equals', value: 'plain' }] } });
      expect(r.status, `${name}: ${r.text}`).to.be.oneOf([400, 404]);
      expect(r.body.message, name).to.match(/ERROR_DATAFIELD_NOTFOUND$/);
    }
    expect((await api.post('/v2/data-fields', { name: 'NUM', type: 'Numeric' })).status).to.equal(201);
    expect((await api.post('/v2/data-fields', { name: 'DAY', type: 'Date' })).status).to.equal(201);
    const bad: unknown[] = [
      { dataField: 'NUM', op: '>', value: '1 OR 1=1' },
      { dataField: 'NUM', op: '> 0 OR 1=1 --', value: 1 },
      { dataField: 'NUM', op: 'between', values: ['0', "1'); DROP TABLE contacts; --"] },
      { dataField: 'DAY', op: 'before', value: "2020-01-01' OR '1'='1" },
      { dataField: 'DAY', op: 'withinLastDays', value: '1; DROP TABLE contacts' },
      { contact: 'status', op: 'equals', value: "Subscribed' OR '1'='1" },
      { contact: 'email OR 1=1', op: 'equals', value: 'x' },
      { addressBook: '1 OR 1=1', op: 'in' },
      { campaign: '1; DROP TABLE contacts', op: 'opened' },
      { dataField: 'TXT', op: 'equals', value: 'x'.repeat(256) },
    ];
    for (const cond of bad) {
      const r = await api.post('/v2/segments', { name: 'bad', rules: { all: [cond] } });
      expect(r.status, `${JSON.stringify(cond)}: ${r.text}`).to.be.oneOf([400, 404]);
      expect(r.body.message).to.match(/ERROR_(SEGMENT_INVALID|ADDRESSBOOK_NOT_FOUND|DATAFIELD_NOTFOUND)$/);
    }
  });

  it('a segment name with SQL round-trips as data', async () => {
    const name = `'; DROP TABLE segments; -- "x" %_\\`;
    const r = await api.post('/v2/segments', { name, rules: { all: [{ dataField: 'TXT', op: 'equals', value: 'plain' }] } });
    expect(r.status, r.text).to.equal(201);
    expect((await api.get(`/v2/segments/${r.body.id}`)).body.name).to.equal(name);
    const list = await api.get('/v2/segments?select=1000');
    expect(list.body.map((s: { name: string }) => s.name)).to.include(name);
  });
});
