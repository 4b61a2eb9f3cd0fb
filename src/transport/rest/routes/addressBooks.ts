import { Router } from 'express';
import { Services } from '../../../services';
import { DomainError } from '../../../domain/errors';
import { newGuid } from '../../../lib/ids';
import { actorOf } from '../auth';
import { boolQuery, ci, queryParam } from '../input';
import { bookOut, contactIn, contactOut, suppressionOut } from '../mappers';

/** Vendor address-book routes under /v2/address-books. */
export function mountAddressBooks(r: Router, s: Services): void {
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

  r.get('/address-books', async (req, res) => {
    res.json((await s.addressBooks.list(actorOf(res).accountId, paging(req.query))).map(bookOut));
  });
  r.get('/address-books/private', async (req, res) => {
    res.json((await s.addressBooks.list(actorOf(res).accountId, { ...paging(req.query), visibility: 'Private' })).map(bookOut));
  });
  r.get('/address-books/public', async (req, res) => {
    res.json((await s.addressBooks.list(actorOf(res).accountId, { ...paging(req.query), visibility: 'Public' })).map(bookOut));
  });
  r.post('/address-books', async (req, res) => {
    res.status(201).json(bookOut(await s.addressBooks.create(actorOf(res).accountId, bookIn(req.body))));
  });
  r.get('/address-books/:id', async (req, res) => {
    res.json(bookOut(await s.addressBooks.get(actorOf(res).accountId, req.params.id)));
  });
  r.put('/address-books/:id', async (req, res) => {
    res.json(bookOut(await s.addressBooks.update(actorOf(res).accountId, req.params.id, bookIn(req.body))));
  });
  r.delete('/address-books/:id', async (req, res) => {
    await s.addressBooks.delete(actorOf(res).accountId, req.params.id);
    res.status(204).end();
  });
  r.get('/address-books/:id/contacts', async (req, res) => {
    res.json((await s.addressBooks.listContacts(actorOf(res).accountId, req.params.id, paging(req.query))).map(contactOut));
  });
  r.post('/address-books/:id/contacts', async (req, res) => {
    res.status(200).json(contactOut(await s.addressBooks.addContact(actorOf(res).accountId, req.params.id, contactIn(ci(req.body)))));
  });
  r.delete('/address-books/:id/contacts', async (req, res) => {
    await s.addressBooks.removeAll(actorOf(res).accountId, req.params.id);
    res.status(204).end();
  });
  r.post('/address-books/:id/contacts/delete', async (req, res) => {
    if (!Array.isArray(req.body)) throw new DomainError('PARAMETER_INVALID', 'The body must be an array of contact ids.');
    await s.addressBooks.removeContacts(actorOf(res).accountId, req.params.id, req.body);
    // why: the vendor ran this in the background and answered 202; here it is done before answering.
    res.status(202).json({ id: newGuid(), status: 'Completed' });
  });
  r.delete('/address-books/:id/contacts/:contactId', async (req, res) => {
    await s.addressBooks.removeContact(actorOf(res).accountId, req.params.id, { id: req.params.contactId });
    res.status(204).end();
  });
  r.get('/address-books/:id/contacts/modified-since/:date', async (req, res) => {
    const list = await s.addressBooks.listModifiedContacts(actorOf(res).accountId, req.params.id, req.params.date, paging(req.query));
    res.json(list.map(contactOut));
  });
  r.get('/address-books/:id/contacts/unsubscribed-since/:date', async (req, res) => {
    const list = await s.addressBooks.listUnsubscribed(actorOf(res).accountId, req.params.id, req.params.date, paging(req.query));
    res.json(list.map(suppressionOut));
  });
  r.post('/address-books/:id/contacts/unsubscribe', async (req, res) => {
    res.json(suppressionOut(await s.addressBooks.unsubscribeContact(actorOf(res).accountId, req.params.id, refIn(req.body))));
  });
  r.post('/address-books/:id/contacts/resubscribe', async (req, res) => {
    const c = ci(ci(req.body).get('unsubscribedContact'), 'unsubscribedContact');
    const out = await s.addressBooks.resubscribeContact(actorOf(res).accountId, req.params.id, { id: c.get('id'), email: c.get('email') });
    res.json({ contact: out.contact ? contactOut(out.contact) : null, status: out.result });
  });
}
