import { Router } from 'express';
import { Services } from '../../../services';
import { actorOf } from '../auth';
import { boolQuery, ci, queryParam } from '../input';
import { contactOut } from '../mappers';
import { segmentOut, segmentRefreshOut } from '../segmentMappers';
import { withExtensions } from '../extensions';

/** Segment routes under /v2/segments: the vendor's list/refresh routes and our definition extension. */
export function mountSegments(r: Router, s: Services): void {
  const paging = (q: Record<string, unknown>) => ({
    select: queryParam(q, 'select'),
    skip: queryParam(q, 'skip'),
    withFullData: boolQuery(queryParam(q, 'withFullData')),
  });
  const defIn = (body: unknown) => {
    const b = ci(body);
    return { name: b.get('name'), rules: b.get('rules') };
  };

  // Vendor routes.
  r.get('/segments', async (req, res) => {
    const ext = withExtensions(req, 'vendor');
    res.json((await s.segments.list(actorOf(res).accountId, paging(req.query))).map((g) => segmentOut(g, ext)));
  });
  r.post('/segments/refresh/:id', async (req, res) => {
    // Extension: {"full": true} (or ?full=true) asks for a full recompute instead of an incremental one.
    const full = boolQuery(queryParam(req.query, 'full')) ?? ci(req.body).get('full') === true;
    res.status(202).json(segmentRefreshOut(await s.segments.requestRefresh(actorOf(res).accountId, req.params.id, 'manual', { full })));
  });
  r.get('/segments/refresh/:id', async (req, res) => {
    res.json(segmentRefreshOut(await s.segments.refreshStatus(actorOf(res).accountId, req.params.id)));
  });
  r.get('/segments/:id/contacts', async (req, res) => {
    res.json((await s.segments.listContacts(actorOf(res).accountId, req.params.id, paging(req.query))).map(contactOut));
  });

  // Extension routes: define segments (the vendor's API could not); they always carry the freshness fields.
  r.post('/segments', async (req, res) => {
    res.status(201).json(segmentOut(await s.segments.create(actorOf(res).accountId, defIn(req.body)), withExtensions(req, 'extension')));
  });
  r.get('/segments/:id', async (req, res) => {
    res.json(segmentOut(await s.segments.get(actorOf(res).accountId, req.params.id), withExtensions(req, 'extension')));
  });
  r.put('/segments/:id', async (req, res) => {
    res.json(segmentOut(await s.segments.update(actorOf(res).accountId, req.params.id, defIn(req.body)), withExtensions(req, 'extension')));
  });
  r.delete('/segments/:id', async (req, res) => {
    await s.segments.delete(actorOf(res).accountId, req.params.id);
    res.status(204).end();
  });
}
