import { DomainError } from '../../../domain/errors';
import { newGuid } from '../../../lib/ids';
import { actorOf } from '../auth';
import { boolQuery, ci, queryParam } from '../input';
import { bookOut, contactIn, contactOut, suppressionOut } from '../mappers';
import { arrayOf, int, ref } from '../openapiSchemas';
import { PAGED, PAGED_FULL, Route } from '../route';

const paging = (q: Record<string, unknown>) => ({
  select: queryParam(q, 'select'),
  skip: queryParam(q, 'skip'),
  withFullData: boolQuery(queryParam(q, 'withFullData')),
});
const bookIn = (body: unknown) => {
  const b = ci(body);
  return { name: b.get('name'), visibility: b.get('visibility') };
};
const refIn = (body: unknown) => {
  const b = ci(body);
  return { id: b.get('id'), email: b.get('email') };
};
const tag = 'Address books';
const books = arrayOf(ref('ApiAddressBook'));

/** Vendor address-book routes under /v2/address-books. */
export const addressBookRoutes: Route[] = [
  {
    method: 'get', path: '/address-books', kind: 'vendor', tag, summary: 'List address books.', query: PAGED, ok: [200, books], xml: 'ArrayOfApiAddressBook',
    handler: async (req, res, { s }) => res.json((await s.addressBooks.list(actorOf(res).accountId, paging(req.query))).map(bookOut)),
  },
  {
    method: 'get', path: '/address-books/private', kind: 'vendor', tag, summary: 'List private address books.', query: PAGED, ok: [200, books], xml: 'ArrayOfApiAddressBook',
    handler: async (req, res, { s }) => res.json((await s.addressBooks.list(actorOf(res).accountId, { ...paging(req.query), visibility: 'Private' })).map(bookOut)),
  },
  {
    method: 'get', path: '/address-books/public', kind: 'vendor', tag, summary: 'List public address books.', query: PAGED, ok: [200, books], xml: 'ArrayOfApiAddressBook',
    handler: async (req, res, { s }) => res.json((await s.addressBooks.list(actorOf(res).accountId, { ...paging(req.query), visibility: 'Public' })).map(bookOut)),
  },
  {
    method: 'post', path: '/address-books', kind: 'vendor', tag, summary: 'Create an address book.', body: ref('ApiAddressBook'), ok: [201, ref('ApiAddressBook')], errors: [409], xml: 'ApiAddressBook',
    handler: async (req, res, { s }) => res.status(201).json(bookOut(await s.addressBooks.create(actorOf(res).accountId, bookIn(req.body)))),
  },
  {
    method: 'get', path: '/address-books/:id', kind: 'vendor', tag, summary: 'Get an address book.', ok: [200, ref('ApiAddressBook')], xml: 'ApiAddressBook',
    handler: async (req, res, { s }) => res.json(bookOut(await s.addressBooks.get(actorOf(res).accountId, req.params.id))),
  },
  {
    method: 'put', path: '/address-books/:id', kind: 'vendor', tag, summary: 'Rename an address book or change its visibility.', body: ref('ApiAddressBook'),
    ok: [200, ref('ApiAddressBook')], errors: [409], xml: 'ApiAddressBook',
    handler: async (req, res, { s }) => res.json(bookOut(await s.addressBooks.update(actorOf(res).accountId, req.params.id, bookIn(req.body)))),
  },
  {
    method: 'delete', path: '/address-books/:id', kind: 'vendor', tag, summary: 'Delete an address book.', ok: [204],
    handler: async (req, res, { s }) => {
      await s.addressBooks.delete(actorOf(res).accountId, req.params.id);
      res.status(204).end();
    },
  },
  {
    method: 'get', path: '/address-books/:id/contacts', kind: 'vendor', tag, summary: 'List the contacts of an address book.', query: PAGED_FULL,
    ok: [200, arrayOf(ref('ApiContact'))], xml: 'ArrayOfApiContact',
    handler: async (req, res, { s }) => res.json((await s.addressBooks.listContacts(actorOf(res).accountId, req.params.id, paging(req.query))).map(contactOut)),
  },
  {
    method: 'post', path: '/address-books/:id/contacts', kind: 'vendor', tag, summary: 'Add (or create) a contact in an address book.', body: ref('ApiContact'),
    ok: [200, ref('ApiContact')], xml: 'ApiContact',
    handler: async (req, res, { s }) => res.status(200).json(contactOut(await s.addressBooks.addContact(actorOf(res).accountId, req.params.id, contactIn(ci(req.body))))),
  },
  {
    method: 'delete', path: '/address-books/:id/contacts', kind: 'vendor', tag, summary: 'Remove every contact from an address book.', ok: [204],
    handler: async (req, res, { s }) => {
      await s.addressBooks.removeAll(actorOf(res).accountId, req.params.id);
      res.status(204).end();
    },
  },
  {
    method: 'post', path: '/address-books/:id/contacts/delete', kind: 'vendor', tag, summary: 'Remove some contacts (ids) from an address book.', body: arrayOf(int),
    ok: [202, ref('ApiTransientResult')], xml: null,
    handler: async (req, res, { s }) => {
      if (!Array.isArray(req.body)) throw new DomainError('PARAMETER_INVALID', 'The body must be an array of contact ids.');
      await s.addressBooks.removeContacts(actorOf(res).accountId, req.params.id, req.body);
      // why: the vendor ran this in the background and answered 202; here it is done before answering.
      res.status(202).json({ id: newGuid(), status: 'Completed' });
    },
  },
  {
    // why: registered before `/contacts/:contactId`, which would otherwise read "inbulk" as a contact id and answer a
    // misleading ERROR_CONTACT_NOT_FOUND. Not in the vendor WADL: the shop connector calls it (CONTRACT §10 [MAG]).
    method: 'delete', path: '/address-books/:id/contacts/inbulk', kind: 'vendor', tag, summary: 'Remove some contacts (`{"ContactIds": [...]}`, at most 1000) from an address book.',
    body: ref('ApiContactIdList'), ok: [204], vendorSource: 'CONTRACT §10 [MAG]',
    handler: async (req, res, { s }) => {
      await s.addressBooks.removeContactsInBulk(actorOf(res).accountId, req.params.id, ci(req.body).get('contactIds'));
      res.status(204).end();
    },
  },
  {
    method: 'delete', path: '/address-books/:id/contacts/:contactId', kind: 'vendor', tag, summary: 'Remove one contact from an address book.', ok: [204],
    handler: async (req, res, { s }) => {
      await s.addressBooks.removeContact(actorOf(res).accountId, req.params.id, { id: req.params.contactId });
      res.status(204).end();
    },
  },
  {
    method: 'get', path: '/address-books/:id/contacts/modified-since/:date', kind: 'vendor', tag, summary: 'Contacts of a book modified since a date.', query: PAGED_FULL,
    ok: [200, arrayOf(ref('ApiContact'))], xml: 'ArrayOfApiContact',
    handler: async (req, res, { s }) => {
      const list = await s.addressBooks.listModifiedContacts(actorOf(res).accountId, req.params.id, req.params.date, paging(req.query));
      res.json(list.map(contactOut));
    },
  },
  {
    method: 'get', path: '/address-books/:id/contacts/unsubscribed-since/:date', kind: 'vendor', tag, summary: 'Contacts unsubscribed from a book since a date.', query: PAGED_FULL,
    ok: [200, arrayOf(ref('ApiContactSuppression'))], xml: 'ArrayOfApiContactSuppression',
    handler: async (req, res, { s }) => {
      const list = await s.addressBooks.listUnsubscribed(actorOf(res).accountId, req.params.id, req.params.date, paging(req.query));
      res.json(list.map(suppressionOut));
    },
  },
  {
    method: 'post', path: '/address-books/:id/contacts/unsubscribe', kind: 'vendor', tag, summary: 'Unsubscribe a contact from a book.', body: ref('ApiContactRef'),
    ok: [200, ref('ApiContactSuppression')], xml: 'ApiContactSuppression',
    handler: async (req, res, { s }) => res.json(suppressionOut(await s.addressBooks.unsubscribeContact(actorOf(res).accountId, req.params.id, refIn(req.body)))),
  },
  {
    method: 'post', path: '/address-books/:id/contacts/resubscribe', kind: 'vendor', tag, summary: 'Resubscribe a contact to a book.', body: ref('ApiContactResubscription'),
    ok: [200, ref('ApiResubscribeResult')], xml: null,
    handler: async (req, res, { s }) => {
      const c = ci(ci(req.body).get('unsubscribedContact'), 'unsubscribedContact');
      const out = await s.addressBooks.resubscribeContact(actorOf(res).accountId, req.params.id, { id: c.get('id'), email: c.get('email') });
      res.json({ contact: out.contact ? contactOut(out.contact) : null, status: out.result });
    },
  },
];
