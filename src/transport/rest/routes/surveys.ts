import { Router } from 'express';
import { Services } from '../../../services';
import { Survey } from '../../../services/surveys';
import { actorOf } from '../auth';
import { ci, queryParam } from '../input';
import { isoDate } from '../mappers';

function surveyOut(s: Survey & { responses?: number }): Record<string, unknown> {
  const out: Record<string, unknown> = { id: s.id, name: s.name, questions: s.questions, createdAt: isoDate(s.createdAt) };
  if (s.responses !== undefined) out.responses = s.responses;
  return out;
}

/** Surveys with data-field mapping (our extension): define, read, post responses (a bulk write). */
export function mountSurveys(r: Router, s: Services): void {
  r.post('/surveys', async (req, res) => {
    const b = ci(req.body);
    res.status(201).json(surveyOut(await s.surveys.create(actorOf(res).accountId, { name: b.get('name'), questions: b.get('questions') })));
  });
  r.get('/surveys', async (req, res) => {
    const list = await s.surveys.list(actorOf(res).accountId, { select: queryParam(req.query, 'select'), skip: queryParam(req.query, 'skip') });
    res.json(list.map(surveyOut));
  });
  r.get('/surveys/:id', async (req, res) => {
    res.json(surveyOut(await s.surveys.get(actorOf(res).accountId, req.params.id)));
  });
  r.post('/surveys/:id/responses', async (req, res) => {
    const list = (Array.isArray(req.body) ? req.body : [req.body]).map((x: unknown) => {
      const o = ci(x, 'response');
      return { email: o.get('email'), answers: o.get('answers') };
    });
    // why: survey data mapping is a bulk write; segments catch up on the sweeper's schedule, so 202 like the imports.
    res.status(202).json(await s.surveys.respond(actorOf(res).accountId, req.params.id, list));
  });
}
