import { DomainError } from '../../../domain/errors';
import { MAX_IMPORT_ITEMS } from '../../../domain/transactionalData';
import { TxData, TxDataInput, TxImportReport, TxImportState } from '../../../services/transactionalData';
import { actorOf } from '../auth';
import { ci, queryParam } from '../input';
import { arrayOf, ref } from '../openapiSchemas';
import { PAGED, Route, RouteRequest, TX_IMPORT_QUERY, TX_RECORD_QUERY } from '../route';

// Transactional data (issue #19), the vendor's REST routes; JSON names (camelCase) live only here.

/** ApiTransactionalData out. */
function dataOut(d: TxData): Record<string, unknown> {
  return { key: d.key, contactIdentifier: d.contactIdentifier, json: d.json };
}

/** ApiTransactionalData in (names case-insensitive, as the vendor read them). */
function dataIn(v: unknown, what = 'request body'): TxDataInput {
  const b = ci(v, what);
  return { key: b.get('key'), contactIdentifier: b.get('contactIdentifier'), json: b.get('json') };
}

/** True when the request carried no body (nothing parsed, or an empty object). */
function noBody(req: RouteRequest): boolean {
  const b: unknown = req.body;
  return b === undefined || b === null || (typeof b === 'object' && !Array.isArray(b) && Object.keys(b as object).length === 0);
}

/**
 * The record of a create call: the JSON body, or (no body) the query's Key, ContactIdentifier and Json.
 * why: the vendor's WADL binds the record from the query string as well (ASP.NET model binding from the URI).
 */
function recordOf(req: RouteRequest): TxDataInput {
  if (!noBody(req)) return dataIn(req.body);
  const [key, contactIdentifier, json] = TX_RECORD_QUERY.map((n) => queryParam(req.query, n));
  return { key, contactIdentifier, json };
}

/** The records of an import call: the JSON array body, or (no body) `apiTransactionalData[i].Member` query items. */
function recordsOf(req: RouteRequest): TxDataInput[] {
  if (!noBody(req)) {
    if (!Array.isArray(req.body)) throw new DomainError('PARAMETER_INVALID', 'The request body must be a JSON array of transactional data records.');
    return (req.body as unknown[]).map((x, i) => dataIn(x, `record ${i}`));
  }
  const items: TxDataInput[] = [];
  for (const [name, v] of Object.entries(req.query)) {
    const m = /^apiTransactionalData\[(\d{1,5})\]\.(Key|ContactIdentifier|Json)$/i.exec(name);
    if (!m) continue;
    const i = Number(m[1]);
    // why: the index is a budget too, checked before anything is built (the service checks the count again).
    if (i >= MAX_IMPORT_ITEMS) throw new DomainError('TRANSACTIONAL_DATA_IMPORT_TOO_LARGE');
    while (items.length <= i) items.push({});
    const member = m[2].toLowerCase() === 'key' ? 'key' : m[2].toLowerCase() === 'json' ? 'json' : 'contactIdentifier';
    items[i][member] = Array.isArray(v) ? v[0] : v;
  }
  return items;
}

/** ApiTransactionalDataImport out. */
function importOut(i: TxImportState): Record<string, unknown> {
  return { id: i.id, status: i.status };
}

/** ApiTransactionalDataImportReport out. */
function reportOut(r: TxImportReport): Record<string, unknown> {
  return { totalItems: r.totalItems, totalImported: r.totalImported, totalRejected: r.totalRejected, faults: r.faults.map((f) => ({ key: f.key, reason: f.reason })) };
}

const tag = 'Transactional data';
const base = { kind: 'vendor', tag } as const;
const one = ref('ApiTransactionalData');

/**
 * The transactional-data routes. why: the import paths come first: `GET /contacts/transactional-data/import/{id}`
 * would otherwise be read as the record `{id}` of a collection named `import` (a name the service refuses).
 */
export const transactionalDataRoutes: Route[] = [
  {
    ...base, method: 'post', path: '/contacts/transactional-data/import/:collectionName', summary: 'Import records into a collection (a bulk write; segments refresh later).',
    body: arrayOf(one), query: TX_IMPORT_QUERY, ok: [202, ref('ApiTransactionalDataImport')], errors: [413], xml: 'ApiTransactionalDataImport',
    handler: async (req, res, { s }) => {
      const items = recordsOf(req);
      res.status(202).json(importOut(await s.transactionalData.startImport(actorOf(res).accountId, req.params.collectionName, items, 'rest')));
    },
  },
  {
    ...base, method: 'get', path: '/contacts/transactional-data/import/:importId/report', summary: 'The report of a finished transactional-data import.',
    ok: [200, ref('ApiTransactionalDataImportReport')], xml: 'ApiTransactionalDataImportReport',
    handler: async (req, res, { s }) => res.json(reportOut(await s.transactionalData.importReport(actorOf(res).accountId, req.params.importId))),
  },
  {
    ...base, method: 'get', path: '/contacts/transactional-data/import/:importId', summary: 'The status of a transactional-data import.',
    ok: [200, ref('ApiTransactionalDataImport')], xml: 'ApiTransactionalDataImport',
    handler: async (req, res, { s }) => res.json(importOut(await s.transactionalData.importStatus(actorOf(res).accountId, req.params.importId))),
  },
  {
    ...base, method: 'post', path: '/contacts/transactional-data/:collectionName', summary: 'Add a record (or replace the record with the same key).',
    body: one, query: [...TX_RECORD_QUERY], ok: [201, one], xml: 'ApiTransactionalData',
    handler: async (req, res, { s }) => res.status(201).json(dataOut(await s.transactionalData.add(actorOf(res).accountId, req.params.collectionName, recordOf(req)))),
  },
  {
    ...base, method: 'get', path: '/contacts/transactional-data/:collectionName/:key', summary: 'Get a record by key.', ok: [200, one], xml: 'ApiTransactionalData',
    handler: async (req, res, { s }) => res.json(dataOut(await s.transactionalData.getByKey(actorOf(res).accountId, req.params.collectionName, req.params.key))),
  },
  {
    ...base, method: 'post', path: '/contacts/transactional-data/:collectionName/:key', summary: 'Replace the JSON of an existing record.',
    body: ref('ApiJsonData'), ok: [200, one], xml: 'ApiTransactionalData',
    handler: async (req, res, { s }) => {
      const json = ci(req.body).get('json');
      res.json(dataOut(await s.transactionalData.replace(actorOf(res).accountId, req.params.collectionName, req.params.key, json)));
    },
  },
  {
    ...base, method: 'delete', path: '/contacts/transactional-data/:collectionName/:key', summary: 'Delete a record by key.', ok: [204],
    handler: async (req, res, { s }) => {
      await s.transactionalData.deleteByKey(actorOf(res).accountId, req.params.collectionName, req.params.key);
      res.status(204).end();
    },
  },
  {
    ...base, method: 'get', path: '/contacts/:contactIdOrEmail/transactional-data/:collectionName', summary: "A contact's records in a collection (contact by id or email).",
    ok: [200, arrayOf(one)], xml: 'ArrayOfApiTransactionalData',
    handler: async (req, res, { s }) =>
      res.json((await s.transactionalData.byContact(actorOf(res).accountId, req.params.collectionName, req.params.contactIdOrEmail)).map(dataOut)),
  },
  {
    ...base, method: 'delete', path: '/contacts/:contactIdOrEmail/transactional-data/:collectionName', summary: "Delete a contact's records in a collection.", ok: [204],
    handler: async (req, res, { s }) => {
      await s.transactionalData.deleteByContact(actorOf(res).accountId, req.params.collectionName, req.params.contactIdOrEmail);
      res.status(204).end();
    },
  },
  {
    ...base, method: 'get', path: '/transactional-data/:collectionName', summary: "A collection's records, e.g. an account-scoped catalog (paged).", query: PAGED,
    ok: [200, arrayOf(one)], xml: 'ArrayOfApiTransactionalData',
    handler: async (req, res, { s }) => {
      const list = await s.transactionalData.list(actorOf(res).accountId, req.params.collectionName, { select: queryParam(req.query, 'select'), skip: queryParam(req.query, 'skip') });
      res.json(list.map(dataOut));
    },
  },
];
