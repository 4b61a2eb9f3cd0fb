import { actorOf } from '../auth';
import { boolQuery, ci, queryParam } from '../input';
import { bookOut, contactIn, contactOut, suppressionOut } from '../mappers';
import { arrayOf, ref } from '../openapiSchemas';
import { PAGED, PAGED_FULL, Route } from '../route';

const list = (q: Record<string, unknown>) => ({
  select: queryParam(q, 'select'),
  skip: queryParam(q, 'skip'),
  withFullData: boolQuery(queryParam(q, 'withFullData')),
});

const tag = 'Contacts';

/** Vendor contact routes under /v2/contacts. */
export const contactRoutes: Route[] = [
  {
    method: 'post', path: '/contacts', kind: 'vendor', tag, summary: 'Create a contact.', body: ref('ApiContact'), ok: [201, ref('ApiContact')], errors: [409], xml: 'ApiContact',
    handler: async (req, res, { s }) => {
      const c = await s.contacts.create(actorOf(res).accountId, contactIn(ci(req.body)));
      res.status(201).json(contactOut(c));
    },
  },
  {
    method: 'get', path: '/contacts', kind: 'vendor', tag, summary: 'List contacts.', query: PAGED_FULL, ok: [200, arrayOf(ref('ApiContact'))], xml: 'ArrayOfApiContact',
    handler: async (req, res, { s }) => res.json((await s.contacts.list(actorOf(res).accountId, list(req.query))).map(contactOut)),
  },
  {
    method: 'get', path: '/contacts/modified-since/:date', kind: 'vendor', tag, summary: 'List contacts modified since a date.', query: PAGED_FULL,
    ok: [200, arrayOf(ref('ApiContact'))], xml: 'ArrayOfApiContact',
    handler: async (req, res, { s }) => res.json((await s.contacts.listModifiedSince(actorOf(res).accountId, req.params.date, list(req.query))).map(contactOut)),
  },
  {
    method: 'get', path: '/contacts/created-since/:date', kind: 'vendor', tag, summary: 'List contacts created since a date.', query: PAGED_FULL,
    ok: [200, arrayOf(ref('ApiContact'))], xml: 'ArrayOfApiContact',
    handler: async (req, res, { s }) => res.json((await s.contacts.listCreatedSince(actorOf(res).accountId, req.params.date, list(req.query))).map(contactOut)),
  },
  {
    method: 'get', path: '/contacts/suppressed-since/:date', kind: 'vendor', tag, summary: 'List contacts suppressed since a date.', query: PAGED_FULL,
    ok: [200, arrayOf(ref('ApiContactSuppression'))], xml: 'ArrayOfApiContactSuppression',
    handler: async (req, res, { s }) => res.json((await s.contacts.listSuppressed(actorOf(res).accountId, req.params.date, list(req.query))).map(suppressionOut)),
  },
  {
    method: 'get', path: '/contacts/unsubscribed-since/:date', kind: 'vendor', tag, summary: 'List contacts unsubscribed since a date.', query: PAGED_FULL,
    ok: [200, arrayOf(ref('ApiContactSuppression'))], xml: 'ArrayOfApiContactSuppression',
    handler: async (req, res, { s }) => res.json((await s.contacts.listUnsubscribed(actorOf(res).accountId, req.params.date, list(req.query))).map(suppressionOut)),
  },
  {
    method: 'post', path: '/contacts/unsubscribe', kind: 'vendor', tag, summary: 'Unsubscribe a contact from everything.', body: ref('ApiContactRef'),
    ok: [200, ref('ApiContactSuppression')], xml: 'ApiContactSuppression',
    handler: async (req, res, { s }) => {
      const b = ci(req.body);
      res.json(suppressionOut(await s.contacts.unsubscribe(actorOf(res).accountId, { id: b.get('id'), email: b.get('email') })));
    },
  },
  {
    method: 'post', path: '/contacts/resubscribe', kind: 'vendor', tag, summary: 'Resubscribe a contact.', body: ref('ApiContactResubscription'),
    ok: [200, ref('ApiResubscribeResult')], xml: null,
    handler: async (req, res, { s }) => {
      const b = ci(req.body);
      const c = ci(b.get('unsubscribedContact'), 'unsubscribedContact');
      const out = await s.contacts.resubscribe(actorOf(res).accountId, { id: c.get('id'), email: c.get('email') });
      res.json({ contact: out.contact ? contactOut(out.contact) : null, status: out.result });
    },
  },
  {
    method: 'get', path: '/contacts/:contactId/address-books', kind: 'vendor', tag, summary: 'Address books a contact is in.', query: PAGED,
    ok: [200, arrayOf(ref('ApiAddressBook'))], xml: 'ArrayOfApiAddressBook',
    handler: async (req, res, { s }) => {
      const books = await s.addressBooks.booksForContact(actorOf(res).accountId, req.params.contactId, list(req.query));
      res.json(books.map(bookOut));
    },
  },
  {
    method: 'get', path: '/contacts/:idOrEmail', kind: 'vendor', tag, summary: 'Get a contact by id or email.', ok: [200, ref('ApiContact')], xml: 'ApiContact',
    handler: async (req, res, { s }) => res.json(contactOut(await s.contacts.getByIdOrEmail(actorOf(res).accountId, req.params.idOrEmail))),
  },
  {
    method: 'put', path: '/contacts/:id', kind: 'vendor', tag, summary: 'Update a contact.', body: ref('ApiContact'), ok: [200, ref('ApiContact')], errors: [409], xml: 'ApiContact',
    handler: async (req, res, { s }) => res.json(contactOut(await s.contacts.update(actorOf(res).accountId, req.params.id, contactIn(ci(req.body))))),
  },
  {
    method: 'delete', path: '/contacts/:id', kind: 'vendor', tag, summary: 'Delete a contact.', ok: [204],
    handler: async (req, res, { s }) => {
      await s.contacts.delete(actorOf(res).accountId, req.params.id);
      res.status(204).end();
    },
  },
];
