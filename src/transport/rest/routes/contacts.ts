import { Router } from 'express';
import { Services } from '../../../services';
import { actorOf } from '../auth';
import { boolQuery, ci, queryParam } from '../input';
import { bookOut, contactIn, contactOut, suppressionOut } from '../mappers';

/** Vendor contact routes under /v2/contacts. */
export function mountContacts(r: Router, s: Services): void {
  const list = (q: Record<string, unknown>) => ({
    select: queryParam(q, 'select'),
    skip: queryParam(q, 'skip'),
    withFullData: boolQuery(queryParam(q, 'withFullData')),
  });

  r.post('/contacts', async (req, res) => {
    const c = await s.contacts.create(actorOf(res).accountId, contactIn(ci(req.body)));
    res.status(201).json(contactOut(c));
  });
  r.get('/contacts', async (req, res) => {
    res.json((await s.contacts.list(actorOf(res).accountId, list(req.query))).map(contactOut));
  });
  r.get('/contacts/modified-since/:date', async (req, res) => {
    res.json((await s.contacts.listModifiedSince(actorOf(res).accountId, req.params.date, list(req.query))).map(contactOut));
  });
  r.get('/contacts/created-since/:date', async (req, res) => {
    res.json((await s.contacts.listCreatedSince(actorOf(res).accountId, req.params.date, list(req.query))).map(contactOut));
  });
  r.get('/contacts/suppressed-since/:date', async (req, res) => {
    res.json((await s.contacts.listSuppressed(actorOf(res).accountId, req.params.date, list(req.query))).map(suppressionOut));
  });
  r.get('/contacts/unsubscribed-since/:date', async (req, res) => {
    res.json((await s.contacts.listUnsubscribed(actorOf(res).accountId, req.params.date, list(req.query))).map(suppressionOut));
  });
  r.post('/contacts/unsubscribe', async (req, res) => {
    const b = ci(req.body);
    res.json(suppressionOut(await s.contacts.unsubscribe(actorOf(res).accountId, { id: b.get('id'), email: b.get('email') })));
  });
  r.post('/contacts/resubscribe', async (req, res) => {
    const b = ci(req.body);
    const c = ci(b.get('unsubscribedContact'), 'unsubscribedContact');
    const out = await s.contacts.resubscribe(actorOf(res).accountId, { id: c.get('id'), email: c.get('email') });
    res.json({ contact: out.contact ? contactOut(out.contact) : null, status: out.result });
  });
  r.get('/contacts/:contactId/address-books', async (req, res) => {
    const books = await s.addressBooks.booksForContact(actorOf(res).accountId, req.params.contactId, list(req.query));
    res.json(books.map(bookOut));
  });
  r.get('/contacts/:idOrEmail', async (req, res) => {
    res.json(contactOut(await s.contacts.getByIdOrEmail(actorOf(res).accountId, req.params.idOrEmail)));
  });
  r.put('/contacts/:id', async (req, res) => {
    res.json(contactOut(await s.contacts.update(actorOf(res).accountId, req.params.id, contactIn(ci(req.body)))));
  });
  r.delete('/contacts/:id', async (req, res) => {
    await s.contacts.delete(actorOf(res).accountId, req.params.id);
    res.status(204).end();
  });
}
