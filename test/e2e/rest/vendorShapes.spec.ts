import { expect } from 'chai';
import { openApiDocument } from '../../../src/transport/rest/openapi';
import { FakeClock } from '../../../src/lib/clock';
import { JobRunner } from '../../../src/jobs/runner';
import { startApp, TestApp } from '../../helpers/app';
import { Reply, RestClient, WITH_EXTENSIONS } from '../../helpers/rest';
import { allJobsRunner, settle } from '../../helpers/sends';
import { RouteFacts, vendorFacts } from '../../helpers/vendorFacts';

// Strict vendor clients (CONTRACT §10): every vendor REST route we serve answers JSON whose keys, recursively (objects
// in arrays too), are the vendor's properties of the route's response type, read from the committed facts
// (test/contract/vendor-facts.json: route -> responses[status]['application/json'] element -> rest.elements -> type ->
// properties). With `X-Contactgate-Extensions: true` a type may also carry the extension properties the OpenAPI
// document marks `x-contactgate-extension` on the same type, and nothing else. Names compare case-insensitively
// (the vendor's grammar is PascalCase, its JSON camelCase). Every answer must be non-empty, or the check proves nothing.

type Operation = { 'x-contactgate-extension'?: boolean };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> } };
type Req = { method: string; path: string; body?: unknown };
type Mode = 'vendor' | 'extensions';

const doc = openApiDocument() as unknown as Doc;
const rest = vendorFacts().rest;
const shape = (route: string) => route.replace(/\{\w+\}/g, '{}');

/** Our vendor routes (not marked as extensions), `METHOD /v2/path/{param}`. */
const vendorRoutes = Object.entries(doc.paths).flatMap(([p, item]) =>
  Object.entries(item)
    .filter(([, op]) => !op['x-contactgate-extension'])
    .map(([m]) => `${m.toUpperCase()} ${p}`),
);

/** The vendor's facts for one of our routes (path parameter names aside). */
function vendorRoute(key: string): RouteFacts[] {
  return Object.entries(rest.routes)
    .filter(([k]) => shape(k) === shape(key))
    .map(([, r]) => r);
}

/** Documented extension keys per vendor type (lower case), from the OpenAPI schemas' x-contactgate-extension marks. */
const EXT_KEYS = new Map<string, Set<string>>();
for (const [name, s] of Object.entries(doc.components.schemas)) {
  const keys = Object.entries(s.properties ?? {})
    .filter(([, p]) => p['x-contactgate-extension'] === true)
    .map(([k]) => k.toLowerCase());
  if (keys.length) EXT_KEYS.set(name.toLowerCase(), new Set(keys));
}

/** The vendor's JSON response element of a route at a status; for a status the WADL gives no body, the request element. */
function responseElement(key: string, status: number): string | undefined {
  for (const r of vendorRoute(key)) {
    const rep = r.responses[String(status)];
    if (rep === undefined) continue;
    // A 204 has no body by definition (the SMS route declares its request ApiSms but answers nothing).
    if (status === 204) return undefined;
    // why: the WADL declares POST /v2/data-fields' 201 without a body; the vendor answered the created ApiDataField.
    return rep['application/json']?.[0] ?? r.request['application/json']?.[0];
  }
  return undefined;
}

/** The single repeated property of a list type (`apiContactList` -> apiContact items), or undefined. */
function listItem(type: string): string | undefined {
  const ct = rest.complexTypes[type];
  if (ct?.properties.length === 1 && ct.properties[0].maxOccurs === 'unbounded') return ct.properties[0].type;
  return undefined;
}

/** Walks a JSON value against a grammar type; returns `path: problem` lines (empty when it fits). Counts checked keys. */
export function walk(v: unknown, type: string, mode: Mode, at: string, out: string[], seen: { keys: number; ext: number }): void {
  if (v === null || v === undefined) return;
  const item = listItem(type);
  if (item !== undefined) {
    if (!Array.isArray(v)) return void out.push(`${at}: expected an array of ${item}`);
    v.forEach((x, i) => walk(x, item, mode, `${at}[${i}]`, out, seen));
    return;
  }
  const ct = rest.complexTypes[type];
  if (!ct) return; // xs:*, simple types, anyType values: leaves.
  if (typeof v !== 'object' || Array.isArray(v)) return void out.push(`${at}: expected an object ${type}`);
  const props = new Map(ct.properties.map((p) => [p.name.toLowerCase(), p]));
  const ext = mode === 'extensions' ? (EXT_KEYS.get(type.toLowerCase()) ?? new Set<string>()) : new Set<string>();
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const p = props.get(k.toLowerCase());
    if (p) {
      seen.keys++;
      walk(x, p.type, mode, `${at}.${k}`, out, seen);
    } else if (ext.has(k.toLowerCase())) seen.ext++;
    else out.push(`${at}.${k}: not a property of the vendor's ${type}${mode === 'extensions' ? ' nor a documented extension' : ''}`);
  }
}

describe('REST vendor routes answer the vendor shapes (strict clients), with and without the extensions switch', () => {
  const t0 = Date.UTC(2030, 3, 1, 9, 0, 0);
  const since = new Date(t0 - 3_600_000).toISOString();
  let app: TestApp;
  let clock: FakeClock;
  let runner: JobRunner;
  before(async () => {
    clock = new FakeClock(t0);
    app = await startApp({ clock });
    runner = allJobsRunner(app.services);
  });
  after(() => app.close());

  /** Data in a fresh account so that every vendor route has something to answer; returns each route's request. */
  async function fixture(api: RestClient): Promise<Map<string, () => Req>> {
    const ok = (r: Reply, status = [200, 201, 202]) => {
      expect(status, `${r.status} ${r.text}`).to.include(r.status);
      return r.body;
    };
    ok(await api.post('/v2/data-fields', { name: 'COLOUR', type: 'String', visibility: 'Public', defaultValue: 'none' }));
    ok(await api.post('/v2/data-fields', { name: 'SPARE', type: 'Numeric' }));
    const pub = ok(await api.post('/v2/address-books', { name: 'Public book', visibility: 'Public' })).id;
    const priv = ok(await api.post('/v2/address-books', { name: 'Private book', visibility: 'Private' })).id;
    const spareBook = ok(await api.post('/v2/address-books', { name: 'Spare book' })).id;
    const add = async (book: number, email: string) => ok(await api.post(`/v2/address-books/${book}/contacts`, { email, dataFields: [{ key: 'COLOUR', value: 'Blue' }] })).id as number;
    const ann = await add(pub, 'ann@x.com');
    const bob = await add(pub, 'bob@x.com');
    await add(priv, 'cat@x.com');
    await add(pub, 'dan@x.com');
    await add(pub, 'eve@x.com');
    const spare = ok(await api.post('/v2/contacts', { email: 'spare@x.com' })).id;
    // Suppressions: one unsubscribed everywhere, one from a book; both resubscribed later by the routes below.
    ok(await api.post('/v2/contacts/unsubscribe', { email: 'dan@x.com' }));
    ok(await api.post(`/v2/address-books/${pub}/contacts/unsubscribe`, { email: 'eve@x.com' }));
    // A segment (our extension route defines it) and an import (status, report).
    const seg = ok(await api.post('/v2/segments', { name: 'Blues', rules: { all: [{ dataField: 'COLOUR', op: 'equals', value: 'Blue' }] } })).id;
    const csv = 'Email,COLOUR\nimp1@x.com,Red\nnot-an-email,Red\n';
    const imp = ok(await api.post('/v2/contacts/import', { fileName: 'c.csv', data: Buffer.from(csv).toString('base64') })).id;
    // Campaigns: one sent (for the send, activity reads), one to send by the route, one to delete.
    const sent = ok(await api.post('/v2/campaigns', { name: 'Sent', subject: 'Hi', fromName: 'Acme', fromAddress: 'news@acme.example', htmlContent: '<p>Hi</p>', plainTextContent: 'Hi' })).id;
    const toSend = ok(await api.post('/v2/campaigns', { name: 'To send', subject: 'Hi' })).id;
    const toDelete = ok(await api.post('/v2/campaigns', { name: 'To delete' })).id;
    const send = ok(await api.post('/v2/campaigns/send', { campaignId: sent, addressBookIds: [pub] })).id;
    // Transactional data: an order of ann's, a catalog record of no contact, an import with one fault (for the report).
    ok(await api.post('/v2/contacts/transactional-data/Orders', { key: 'o-1', contactIdentifier: 'ann@x.com', json: '{"total":12.5}' }));
    ok(await api.post('/v2/contacts/transactional-data/Catalog', { key: 'sku-1', contactIdentifier: 'account', json: '{"price":3}' }));
    const txImp = ok(
      await api.post('/v2/contacts/transactional-data/import/Orders', [
        { key: 'o-2', contactIdentifier: 'bob@x.com', json: '{"total":1}' },
        { key: 'o-3', contactIdentifier: 'nobody@x.com', json: '{"total":2}' },
      ]),
    ).id;
    await runner.drain();
    await settle(runner, app.services, clock);
    const events = [
      { eventId: `o-${ann}`, type: 'open', campaignId: sent, contactId: ann, occurredAt: new Date(t0 + 60_000).toISOString() },
      { eventId: `c-${ann}`, type: 'click', campaignId: sent, contactId: ann, url: 'https://acme.example/x', linkGroup: 'Shoes', occurredAt: new Date(t0 + 120_000).toISOString() },
    ];
    ok(await api.post('/v2/activity-events', events));
    const at = (min: number) => new Date(t0 + min * 60_000).toISOString();
    const cat = ok(await api.get('/v2/contacts/cat@x.com')).id as number;
    ok(
      await api.post('/v2/activity-events', [
        { eventId: `pv-${ann}`, type: 'pageView', campaignId: sent, contactId: ann, url: 'https://acme.example/p', occurredAt: at(3) },
        { eventId: `re-${ann}`, type: 'reply', campaignId: sent, contactId: ann, subject: 'Re: Hi', message: 'Thanks', occurredAt: at(4) },
        { eventId: `roi-${ann}`, type: 'roi', campaignId: sent, contactId: ann, marker: 'Basket', value: 12.5, occurredAt: at(5) },
        { eventId: `sb-${ann}`, type: 'socialBookmarkView', campaignId: sent, contactId: ann, bookmark: 'Twitter', occurredAt: at(6) },
        { eventId: `hb-${cat}`, type: 'bounce', bounceType: 'hard', campaignId: sent, contactId: cat, occurredAt: at(7) },
      ]),
    );
    clock.advance(60_000);

    const json = (path: string) => (): Req => ({ method: 'GET', path });
    const m = new Map<string, () => Req>();
    const set = (key: string, f: () => Req) => m.set(key, f);
    set('GET /v2/server-time', json('/v2/server-time'));
    set('GET /v2/account-info', json('/v2/account-info'));
    set('GET /v2/contacts', json('/v2/contacts?withFullData=true'));
    for (const p of ['modified-since', 'created-since', 'suppressed-since', 'unsubscribed-since']) set(`GET /v2/contacts/${p}/{date}`, json(`/v2/contacts/${p}/${since}?withFullData=true`));
    set('GET /v2/contacts/{contactId}/address-books', json(`/v2/contacts/${ann}/address-books`));
    set('GET /v2/contacts/{idOrEmail}', json(`/v2/contacts/${ann}`));
    set('GET /v2/address-books', json('/v2/address-books'));
    set('GET /v2/address-books/private', json('/v2/address-books/private'));
    set('GET /v2/address-books/public', json('/v2/address-books/public'));
    set('GET /v2/address-books/{id}', json(`/v2/address-books/${pub}`));
    set('GET /v2/address-books/{id}/contacts', json(`/v2/address-books/${pub}/contacts?withFullData=true`));
    set('GET /v2/address-books/{id}/contacts/modified-since/{date}', json(`/v2/address-books/${pub}/contacts/modified-since/${since}?withFullData=true`));
    set('GET /v2/address-books/{id}/contacts/unsubscribed-since/{date}', json(`/v2/address-books/${pub}/contacts/unsubscribed-since/${since}?withFullData=true`));
    set('GET /v2/data-fields', json('/v2/data-fields'));
    set('GET /v2/contacts/import/{importId}', json(`/v2/contacts/import/${imp}`));
    set('GET /v2/contacts/import/{importId}/report', json(`/v2/contacts/import/${imp}/report`));
    set('GET /v2/contacts/import/{importId}/report-faults', json(`/v2/contacts/import/${imp}/report-faults`));
    set('GET /v2/segments', json('/v2/segments'));
    set('GET /v2/contacts/transactional-data/import/{importId}', json(`/v2/contacts/transactional-data/import/${txImp}`));
    set('GET /v2/contacts/transactional-data/import/{importId}/report', json(`/v2/contacts/transactional-data/import/${txImp}/report`));
    set('GET /v2/contacts/transactional-data/{collectionName}/{key}', json('/v2/contacts/transactional-data/Orders/o-1'));
    set('GET /v2/contacts/{contactIdOrEmail}/transactional-data/{collectionName}', json('/v2/contacts/ann@x.com/transactional-data/Orders'));
    set('GET /v2/transactional-data/{collectionName}', json('/v2/transactional-data/Catalog'));
    set('GET /v2/campaigns', json('/v2/campaigns'));
    set('GET /v2/campaigns/{id}', json(`/v2/campaigns/${sent}`));
    for (const what of ['activities', 'opens', 'clicks', 'clicks-with-groups']) {
      set(`GET /v2/campaigns/{id}/${what}`, json(`/v2/campaigns/${sent}/${what}`));
      set(`GET /v2/campaigns/{id}/${what}/since-date/{date}`, json(`/v2/campaigns/${sent}/${what}/since-date/${since}`));
    }
    set('GET /v2/campaigns/send/{id}', json(`/v2/campaigns/send/${send}`));
    // Campaign reporting.
    set('GET /v2/campaigns/with-activity-since/{date}', json(`/v2/campaigns/with-activity-since/${since}`));
    set('GET /v2/campaigns/{id}/summary', json(`/v2/campaigns/${sent}/summary`));
    set('GET /v2/campaigns/{id}/activities/{contactId}', json(`/v2/campaigns/${sent}/activities/${ann}`));
    for (const what of ['clicks', 'clicks-with-groups', 'opens', 'page-views', 'replies', 'roi-details', 'social-bookmark-views']) {
      set(`GET /v2/campaigns/{id}/activities/{contactId}/${what}`, json(`/v2/campaigns/${sent}/activities/${ann}/${what}`));
    }
    set('GET /v2/campaigns/{id}/page-views/since-date/{date}', json(`/v2/campaigns/${sent}/page-views/since-date/${since}`));
    set('GET /v2/campaigns/{id}/roi-details/since-date/{date}', json(`/v2/campaigns/${sent}/roi-details/since-date/${since}`));
    set('GET /v2/campaigns/{id}/social-bookmark-views', json(`/v2/campaigns/${sent}/social-bookmark-views`));
    set('GET /v2/campaigns/{id}/hard-bouncing-contacts', json(`/v2/campaigns/${sent}/hard-bouncing-contacts?withFullData=true`));
    set('GET /v2/campaigns/{id}/address-books', json(`/v2/campaigns/${sent}/address-books`));
    set('GET /v2/address-books/{id}/campaigns', json(`/v2/address-books/${pub}/campaigns`));
    // Templates (issue #21 part A).
    const tpl = ok(await api.post('/v2/templates', { name: 'Welcome', subject: 'Hi', fromName: 'Acme', htmlContent: '<p>Hi</p>', plainTextContent: 'Hi' })).id;
    set('GET /v2/templates', json('/v2/templates'));
    set('GET /v2/templates/{id}', json(`/v2/templates/${tpl}`));
    set('POST /v2/templates', () => ({ method: 'POST', path: '/v2/templates', body: { name: 'Another', subject: 'S', htmlContent: '<p>x</p>' } }));
    set('PUT /v2/templates/{id}', () => ({ method: 'PUT', path: `/v2/templates/${tpl}`, body: { name: 'Welcome 2' } }));
    ok(await api.post('/v2/custom-from-addresses', { email: 'news@acme.example' }));
    set('GET /v2/custom-from-addresses', json('/v2/custom-from-addresses'));
    set('GET /v2/campaigns/{id}/with-details', json(`/v2/campaigns/${sent}/with-details`));
    // Documents, images and attachments (issue #21).
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const docFolder = ok(await api.post('/v2/document-folders/0', { name: 'Docs' })).id;
    ok(await api.post(`/v2/document-folders/${docFolder}`, { name: 'Sub' }));
    const imgFolder = ok(await api.post('/v2/image-folders/0', { name: 'Images' })).id;
    ok(await api.post(`/v2/image-folders/${imgFolder}`, { name: 'Sub' }));
    const document = ok(await api.post(`/v2/document-folders/${docFolder}/documents`, { fileName: 'a.pdf', data: Buffer.from('%PDF-1.4\n').toString('base64') })).id;
    ok(await api.post(`/v2/campaigns/${sent}/attachments`, { id: document }));
    set('GET /v2/document-folders', json('/v2/document-folders'));
    set('GET /v2/document-folders/{folderId}/documents', json(`/v2/document-folders/${docFolder}/documents`));
    set('GET /v2/image-folders', json('/v2/image-folders'));
    set('GET /v2/image-folders/{id}', json(`/v2/image-folders/${imgFolder}`));
    set('GET /v2/campaigns/{campaignId}/attachments', json(`/v2/campaigns/${sent}/attachments`));
    set('POST /v2/document-folders/{folderId}', () => ({ method: 'POST', path: `/v2/document-folders/${docFolder}`, body: { name: 'Another' } }));
    set('POST /v2/document-folders/{folderId}/documents', () => ({ method: 'POST', path: `/v2/document-folders/${docFolder}/documents`, body: { fileName: 'b.txt', data: Buffer.from('hi').toString('base64') } }));
    set('POST /v2/image-folders/{id}', () => ({ method: 'POST', path: `/v2/image-folders/${imgFolder}`, body: { name: 'Another' } }));
    set('POST /v2/image-folders/{folderId}/images', () => ({ method: 'POST', path: `/v2/image-folders/${imgFolder}/images`, body: { fileName: 'p.png', data: png } }));
    set('POST /v2/campaigns/{campaignId}/attachments', () => ({ method: 'POST', path: `/v2/campaigns/${toSend}/attachments`, body: { id: document } }));
    // Split tests (issue #21).
    const split = ok(await api.post('/v2/campaigns/split-test', { name: 'Split', subjects: ['A', 'B'], fromNames: ['Acme'], fromAddresses: [{ email: 'news@acme.example' }] })).id;
    set('GET /v2/campaigns/{campaignId}/split-test', json(`/v2/campaigns/${split}/split-test`));
    set('POST /v2/campaigns/split-test', () => ({ method: 'POST', path: '/v2/campaigns/split-test', body: { name: 'Split 2', subjects: ['A', 'B', 'C'], htmlContents: ['<p/>'] } }));
    // Programs and enrolments (issue #21): the program is defined on our extension route.
    const prog = ok(await api.post('/v2/programs', { name: 'Welcome', status: 'Active' })).id;
    const enrolment = ok(await api.post('/v2/programs/enrolments', { programId: prog, contacts: [ann, 999999], addressBooks: [pub] })).id;
    await runner.drain();
    set('GET /v2/programs', json('/v2/programs'));
    set('GET /v2/programs/{id}', json(`/v2/programs/${prog}`));
    set('GET /v2/programs/enrolments/{idOrStatus}', json(`/v2/programs/enrolments/${enrolment}`));
    set('GET /v2/programs/enrolments/{enrolmentId}/report-faults', json(`/v2/programs/enrolments/${enrolment}/report-faults`));
    set('POST /v2/programs/enrolments', () => ({ method: 'POST', path: '/v2/programs/enrolments', body: { programId: prog, contacts: [bob] } }));
    set('DELETE /v2/campaigns/{campaignId}/attachments/{documentId}', () => ({ method: 'DELETE', path: `/v2/campaigns/${sent}/attachments/${document}` }));
    // Writes, after the reads.
    set('POST /v2/campaigns/{id}/copy', () => ({ method: 'POST', path: `/v2/campaigns/${sent}/copy` }));
    set('POST /v2/sms-messages/send-to/{telephoneNumber}', () => ({ method: 'POST', path: '/v2/sms-messages/send-to/%2B447700900123', body: { message: 'Hello' } }));
    set('POST /v2/segments/refresh/{id}', () => ({ method: 'POST', path: `/v2/segments/refresh/${seg}` }));
    set('GET /v2/segments/refresh/{id}', json(`/v2/segments/refresh/${seg}`));
    set('POST /v2/contacts', () => ({ method: 'POST', path: '/v2/contacts', body: { email: 'new@x.com', dataFields: [{ key: 'COLOUR', value: 'Red' }] } }));
    set('PUT /v2/contacts/{id}', () => ({ method: 'PUT', path: `/v2/contacts/${bob}`, body: { email: 'bob@x.com', dataFields: [{ key: 'COLOUR', value: 'Green' }] } }));
    set('POST /v2/contacts/unsubscribe', () => ({ method: 'POST', path: '/v2/contacts/unsubscribe', body: { email: 'spare@x.com' } }));
    set('POST /v2/contacts/resubscribe', () => ({ method: 'POST', path: '/v2/contacts/resubscribe', body: { unsubscribedContact: { email: 'dan@x.com' } } }));
    set('POST /v2/address-books', () => ({ method: 'POST', path: '/v2/address-books', body: { name: 'Another', visibility: 'Public' } }));
    set('PUT /v2/address-books/{id}', () => ({ method: 'PUT', path: `/v2/address-books/${pub}`, body: { name: 'Public book renamed', visibility: 'Public' } }));
    set('POST /v2/address-books/{id}/contacts', () => ({ method: 'POST', path: `/v2/address-books/${spareBook}/contacts`, body: { email: 'ann@x.com' } }));
    set('POST /v2/address-books/{id}/contacts/unsubscribe', () => ({ method: 'POST', path: `/v2/address-books/${pub}/contacts/unsubscribe`, body: { email: 'ann@x.com' } }));
    set('POST /v2/address-books/{id}/contacts/resubscribe', () => ({ method: 'POST', path: `/v2/address-books/${pub}/contacts/resubscribe`, body: { unsubscribedContact: { email: 'eve@x.com' } } }));
    set('POST /v2/address-books/{id}/contacts/delete', () => ({ method: 'POST', path: `/v2/address-books/${priv}/contacts/delete`, body: [spare] }));
    set('POST /v2/data-fields', () => ({ method: 'POST', path: '/v2/data-fields', body: { name: 'CITY', type: 'String', visibility: 'Private', defaultValue: 'Leeds' } }));
    set('POST /v2/contacts/import', () => ({ method: 'POST', path: '/v2/contacts/import', body: { fileName: 'd.csv', data: Buffer.from('Email\nimp2@x.com\n').toString('base64') } }));
    set('POST /v2/address-books/{addressBookId}/contacts/import', () => ({ method: 'POST', path: `/v2/address-books/${pub}/contacts/import`, body: { fileName: 'e.csv', data: Buffer.from('Email\nimp3@x.com\n').toString('base64') } }));
    set('POST /v2/campaigns', () => ({ method: 'POST', path: '/v2/campaigns', body: { name: 'New', subject: 'S', fromName: 'Acme', fromAddress: 'news@acme.example' } }));
    set('PUT /v2/campaigns/{id}', () => ({ method: 'PUT', path: `/v2/campaigns/${toSend}`, body: { name: 'To send', subject: 'Changed', fromName: 'Acme', fromAddress: 'news@acme.example' } }));
    set('POST /v2/campaigns/send', () => ({ method: 'POST', path: '/v2/campaigns/send', body: { campaignId: toSend, addressBookIds: [pub], contactIds: [spare] } }));
    set('POST /v2/contacts/transactional-data/{collectionName}', () => ({ method: 'POST', path: '/v2/contacts/transactional-data/Orders', body: { key: 'o-4', contactIdentifier: String(bob), json: '{}' } }));
    set('POST /v2/contacts/transactional-data/{collectionName}/{key}', () => ({ method: 'POST', path: '/v2/contacts/transactional-data/Orders/o-4', body: { json: '{"total":4}' } }));
    set('POST /v2/contacts/transactional-data/import/{collectionName}', () => ({ method: 'POST', path: '/v2/contacts/transactional-data/import/Orders', body: [{ key: 'o-5', contactIdentifier: 'ann@x.com', json: '{}' }] }));
    set('DELETE /v2/contacts/transactional-data/{collectionName}/{key}', () => ({ method: 'DELETE', path: '/v2/contacts/transactional-data/Orders/o-4' }));
    set('DELETE /v2/contacts/{contactIdOrEmail}/transactional-data/{collectionName}', () => ({ method: 'DELETE', path: `/v2/contacts/${ann}/transactional-data/Orders` }));
    set('DELETE /v2/data-fields/{name}', () => ({ method: 'DELETE', path: '/v2/data-fields/SPARE' }));
    set('DELETE /v2/address-books/{id}/contacts/inbulk', () => ({ method: 'DELETE', path: `/v2/address-books/${pub}/contacts/inbulk`, body: { ContactIds: [ann] } }));
    set('DELETE /v2/address-books/{id}/contacts/{contactId}', () => ({ method: 'DELETE', path: `/v2/address-books/${pub}/contacts/${bob}` }));
    set('DELETE /v2/address-books/{id}/contacts', () => ({ method: 'DELETE', path: `/v2/address-books/${spareBook}/contacts` }));
    set('DELETE /v2/address-books/{id}', () => ({ method: 'DELETE', path: `/v2/address-books/${spareBook}` }));
    set('DELETE /v2/contacts/{id}', () => ({ method: 'DELETE', path: `/v2/contacts/${spare}` }));
    set('DELETE /v2/campaigns/{id}', () => ({ method: 'DELETE', path: `/v2/campaigns/${toDelete}` }));
    return m;
  }

  /** Calls every vendor route once in one mode; returns the problems found and what was checked. */
  async function walkAll(mode: Mode) {
    const login = await app.newAccount();
    const api = new RestClient(app.baseUrl, login, undefined, mode === 'extensions' ? WITH_EXTENSIONS : {});
    const reqs = await fixture(api);
    const missing = vendorRoutes.filter((k) => !reqs.has(k));
    expect(missing, `vendor routes this test does not call yet: ${missing.join(', ')}`).to.deep.equal([]);
    expect([...reqs.keys()].filter((k) => !vendorRoutes.includes(k))).to.deep.equal([]);
    const problems: string[] = [];
    const seen = { keys: 0, ext: 0 };
    const bodies = new Map<string, unknown>();
    // In the fixture's order: reads first, then writes, deletes last.
    for (const [key, request] of reqs) {
      const q = request();
      const r = await api.call(q.method, q.path, q.body);
      expect(r.status, `${key}: ${r.text}`).to.be.within(200, 299);
      if (key === 'POST /v2/contacts/import' || key === 'POST /v2/address-books/{addressBookId}/contacts/import') await runner.drain();
      const element = responseElement(key, r.status);
      const isJson = (r.headers.get('content-type') ?? '').includes('json');
      if (!isJson) {
        // 204s and the faults CSV: the vendor declares no JSON body for them either.
        expect(element, `${key} answered ${r.status} without JSON`).to.equal(undefined);
        if (r.status !== 204) expect(r.text, `${key} is empty`).not.to.equal('');
        continue;
      }
      expect(element, `${key} ${r.status}: the vendor declares no JSON answer`).to.be.a('string');
      const type = rest.elements[element!] ?? element!;
      const empty = Array.isArray(r.body) ? r.body.length === 0 : r.body !== null && typeof r.body === 'object' && Object.keys(r.body).length === 0;
      expect(empty, `${key} answered an empty ${JSON.stringify(r.body)}: the check would prove nothing`).to.equal(false);
      walk(r.body, type, mode, key, problems, seen);
      bodies.set(key, r.body);
    }
    return { problems, seen, bodies };
  }

  it('without the switch: every JSON key of every vendor route is a vendor property (recursively)', async () => {
    const { problems, seen, bodies } = await walkAll('vendor');
    expect(problems).to.deep.equal([]);
    expect(seen.ext).to.equal(0);
    expect(seen.keys).to.be.greaterThan(300);
    // Nested objects were walked too: contacts' data fields, suppressed contacts, account properties.
    expect((bodies.get('GET /v2/contacts') as Array<{ dataFields: unknown[] }>)[0].dataFields).to.have.length.greaterThan(0);
    expect(bodies.get('GET /v2/contacts/suppressed-since/{date}')).to.have.length.greaterThan(0);
    expect(Object.keys(bodies.get('POST /v2/campaigns/send') as object)).to.deep.equal(['id', 'campaignId', 'addressBookIds', 'contactIds', 'sendDate', 'status']);
  });

  it('with X-Contactgate-Extensions: true: only vendor properties plus documented extension properties, and those do appear', async () => {
    const { problems, seen, bodies } = await walkAll('extensions');
    expect(problems).to.deep.equal([]);
    expect(seen.keys).to.be.greaterThan(300);
    expect(seen.ext).to.be.greaterThan(0);
    expect((bodies.get('GET /v2/segments') as object[])[0]).to.include.keys('kind', 'lastRefreshed', 'pendingRefresh', 'staleSince', 'refreshDueBy');
    expect(bodies.get('GET /v2/campaigns/send/{id}')).to.include({ recipients: 2 });
    expect(bodies.get('GET /v2/campaigns/send/{id}')).to.have.property('refreshedSegments');
  });

  it('the check is not vacuous: an undeclared key, an extension key without the switch, a nested extra key all show', () => {
    const run = (v: unknown, type: string, mode: Mode) => {
      const out: string[] = [];
      walk(v, type, mode, 'x', out, { keys: 0, ext: 0 });
      return out;
    };
    expect(run({ id: 1, name: 'S', contacts: 0 }, 'apiSegment', 'vendor')).to.deep.equal([]);
    expect(run({ id: 1, name: 'S', contacts: 0, pendingRefresh: true }, 'apiSegment', 'vendor')).to.have.length(1);
    expect(run({ id: 1, name: 'S', contacts: 0, pendingRefresh: true }, 'apiSegment', 'extensions')).to.deep.equal([]);
    expect(run({ id: 1, secret: 'x' }, 'apiSegment', 'extensions')).to.have.length(1);
    expect(run([{ id: 1, recipients: 2 }], 'apiContactList', 'extensions')).to.deep.equal(['x[0].recipients: not a property of the vendor\'s apiContact nor a documented extension']);
    expect(run([{ suppressedContact: { id: 1, extra: 1 } }], 'apiContactSuppressionList', 'vendor')).to.have.length(1);
    expect(run({ id: 1, properties: [{ name: 'a', type: 'b', value: 'c', more: 1 }] }, 'apiAccount', 'vendor')).to.have.length(1);
    expect(responseElement('POST /v2/campaigns/send', 202)).to.equal('ApiCampaignSend');
    expect(rest.complexTypes[rest.elements.ApiCampaignSend].properties.map((p) => p.name)).to.not.include('Recipients');
  });
});
