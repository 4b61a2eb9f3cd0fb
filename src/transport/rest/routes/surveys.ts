import { Survey } from '../../../services/surveys';
import { actorOf } from '../auth';
import { ci, queryParam } from '../input';
import { isoDate } from '../mappers';
import { arrayOf, ref } from '../openapiSchemas';
import { PAGED, Route } from '../route';

/** ApiSurvey (our extension type). */
function surveyOut(s: Survey & { responses?: number }): Record<string, unknown> {
  const out: Record<string, unknown> = { id: s.id, name: s.name, questions: s.questions, createdAt: isoDate(s.createdAt) };
  if (s.responses !== undefined) out.responses = s.responses;
  return out;
}

const base = { kind: 'extension', tag: 'Surveys' } as const;

/** Surveys with data-field mapping (our extension): define, read, post responses (a bulk write). */
export const surveyRoutes: Route[] = [
  {
    ...base, method: 'post', path: '/surveys', summary: 'Define a survey whose answers map to data fields.', body: ref('ApiSurvey'), ok: [201, ref('ApiSurvey')], xml: null,
    handler: async (req, res, { s }) => {
      const b = ci(req.body);
      res.status(201).json(surveyOut(await s.surveys.create(actorOf(res).accountId, { name: b.get('name'), questions: b.get('questions') })));
    },
  },
  {
    ...base, method: 'get', path: '/surveys', summary: 'List surveys.', query: PAGED, ok: [200, arrayOf(ref('ApiSurvey'))], xml: null,
    handler: async (req, res, { s }) => {
      const list = await s.surveys.list(actorOf(res).accountId, { select: queryParam(req.query, 'select'), skip: queryParam(req.query, 'skip') });
      res.json(list.map(surveyOut));
    },
  },
  {
    ...base, method: 'get', path: '/surveys/:id', summary: 'Get a survey with its response count.', ok: [200, ref('ApiSurvey')], xml: null,
    handler: async (req, res, { s }) => res.json(surveyOut(await s.surveys.get(actorOf(res).accountId, req.params.id))),
  },
  {
    ...base, method: 'post', path: '/surveys/:id/responses', summary: 'Post responses (one or an array): a bulk write to data fields.',
    body: { oneOf: [ref('ApiSurveyResponse'), arrayOf(ref('ApiSurveyResponse'))] }, ok: [202, ref('ApiSurveyResult')], xml: null,
    handler: async (req, res, { s }) => {
      const list = (Array.isArray(req.body) ? req.body : [req.body]).map((x: unknown) => {
        const o = ci(x, 'response');
        return { email: o.get('email'), answers: o.get('answers') };
      });
      // why: survey data mapping is a bulk write; segments catch up on the sweeper's schedule, so 202 like the imports.
      res.status(202).json(await s.surveys.respond(actorOf(res).accountId, req.params.id, list));
    },
  },
];
