import { actorOf } from '../auth';
import { boolQuery, ci, queryParam } from '../input';
import { contactOut } from '../mappers';
import { segmentOut, segmentRefreshOut } from '../segmentMappers';
import { withExtensions } from '../extensions';
import { arrayOf, ref } from '../openapiSchemas';
import { PAGED, PAGED_FULL, Route } from '../route';

const paging = (q: Record<string, unknown>) => ({
  select: queryParam(q, 'select'),
  skip: queryParam(q, 'skip'),
  withFullData: boolQuery(queryParam(q, 'withFullData')),
});
const defIn = (body: unknown) => {
  const b = ci(body);
  return { name: b.get('name'), rules: b.get('rules') };
};
const tag = 'Segments';

/** Segment routes under /v2/segments: the vendor's list/refresh routes and our definition extension. */
export const segmentRoutes: Route[] = [
  // Vendor routes.
  {
    method: 'get', path: '/segments', kind: 'vendor', tag, summary: 'List segments (freshness fields with the extensions switch).', query: PAGED,
    ok: [200, arrayOf(ref('ApiSegment'))], xml: 'ArrayOfApiSegment',
    handler: async (req, res, { s, route }) => {
      const ext = withExtensions(req, route.kind);
      res.json((await s.segments.list(actorOf(res).accountId, paging(req.query))).map((g) => segmentOut(g, ext)));
    },
  },
  {
    method: 'post', path: '/segments/refresh/:id', kind: 'vendor', tag, summary: 'Queue a refresh (joins one already queued or running).', query: ['full'],
    ok: [202, ref('ApiSegmentRefresh')], xml: 'ApiSegmentRefresh',
    handler: async (req, res, { s }) => {
      // Extension: {"full": true} (or ?full=true) asks for a full recompute instead of an incremental one.
      const full = boolQuery(queryParam(req.query, 'full')) ?? ci(req.body).get('full') === true;
      res.status(202).json(segmentRefreshOut(await s.segments.requestRefresh(actorOf(res).accountId, req.params.id, 'manual', { full })));
    },
  },
  {
    method: 'get', path: '/segments/refresh/:id', kind: 'vendor', tag, summary: 'Status of the latest refresh.', ok: [200, ref('ApiSegmentRefresh')], xml: 'ApiSegmentRefresh',
    handler: async (req, res, { s }) => res.json(segmentRefreshOut(await s.segments.refreshStatus(actorOf(res).accountId, req.params.id))),
  },
  // Extension routes: members, and defining segments (the vendor's API could not); they always carry the freshness fields.
  {
    method: 'get', path: '/segments/:id/contacts', kind: 'extension', tag, summary: 'Members of a segment.', query: PAGED_FULL, ok: [200, arrayOf(ref('ApiContact'))], xml: null,
    handler: async (req, res, { s }) => res.json((await s.segments.listContacts(actorOf(res).accountId, req.params.id, paging(req.query))).map(contactOut)),
  },
  {
    method: 'post', path: '/segments', kind: 'extension', tag, summary: 'Define a segment from rules.', body: ref('ApiSegmentDefinition'), ok: [201, ref('ApiSegment')], xml: null,
    handler: async (req, res, { s, route }) => res.status(201).json(segmentOut(await s.segments.create(actorOf(res).accountId, defIn(req.body)), withExtensions(req, route.kind))),
  },
  {
    method: 'get', path: '/segments/:id', kind: 'extension', tag, summary: 'Get a segment with its rules.', ok: [200, ref('ApiSegment')], xml: null,
    handler: async (req, res, { s, route }) => res.json(segmentOut(await s.segments.get(actorOf(res).accountId, req.params.id), withExtensions(req, route.kind))),
  },
  {
    method: 'put', path: '/segments/:id', kind: 'extension', tag, summary: 'Change a segment’s name or rules.', body: ref('ApiSegmentDefinition'), ok: [200, ref('ApiSegment')], xml: null,
    handler: async (req, res, { s, route }) =>
      res.json(segmentOut(await s.segments.update(actorOf(res).accountId, req.params.id, defIn(req.body)), withExtensions(req, route.kind))),
  },
  {
    method: 'delete', path: '/segments/:id', kind: 'extension', tag, summary: 'Delete a segment.', ok: [204],
    handler: async (req, res, { s }) => {
      await s.segments.delete(actorOf(res).accountId, req.params.id);
      res.status(204).end();
    },
  },
];
