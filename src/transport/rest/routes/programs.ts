import { Enrolment, EnrolmentFaultRow, Program } from '../../../domain/program';
import { isGuid } from '../../../lib/ids';
import { actorOf } from '../auth';
import { withExtensions } from '../extensions';
import { ci, queryParam } from '../input';
import { isoDate } from '../mappers';
import { arrayOf, ref, str } from '../openapiSchemas';
import { PAGED, Route } from '../route';

// REST programs and enrolments (issue #21): the vendor's routes, plus extension routes for the operator to define
// programs and switch their status (so there is something real to enrol into).

/** apiProgram (REST casing). */
export function programJson(p: Program): Record<string, unknown> {
  return { id: p.id, name: p.name, status: p.status, dateCreated: isoDate(p.createdAt) };
}

/** apiProgramEnrolment (REST casing); with the extensions switch also `enrolled` and `refreshedSegments`. */
export function enrolmentJson(e: Enrolment, ext: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: e.id,
    programId: e.programId,
    status: e.status,
    dateCreated: isoDate(e.createdAt),
    contacts: e.contactIds,
    addressBooks: e.addressBookIds,
  };
  if (ext) {
    out.enrolled = e.enrolled;
    out.refreshedSegments = e.refreshedSegments;
  }
  return out;
}

/** The faults report: CSV, one line per contact not enrolled, with the vendor's error code (as import report-faults). */
export function faultsCsv(rows: EnrolmentFaultRow[]): string {
  return `ContactId,Reason\r\n${rows.map((r) => `${r.contactId},${r.reason}\r\n`).join('')}`;
}

const tag = 'Programs';
const paging = (q: Record<string, unknown>) => ({ select: queryParam(q, 'select'), skip: queryParam(q, 'skip') });

/** The routes (the enrolment paths before `/programs/:id`). */
export const programRoutes: Route[] = [
  {
    method: 'post', path: '/programs/enrolments', kind: 'vendor', tag, summary: 'Enrol contacts and address books/segments in a program (a job; answers at once).',
    body: ref('ApiProgramEnrolment'), ok: [201, ref('ApiProgramEnrolment')], xml: null,
    handler: async (req, res, { s, route }) => {
      const b = ci(req.body);
      const e = await s.programs.enrol(actorOf(res).accountId, { programId: b.get('programId'), contacts: b.get('contacts'), addressBooks: b.get('addressBooks') });
      res.status(201).json(enrolmentJson(e, withExtensions(req, route.kind)));
    },
  },
  {
    method: 'get', path: '/programs/enrolments/:enrolmentId/report-faults', kind: 'vendor', tag,
    summary: 'The contacts a finished enrolment did not enrol, as CSV (ContactId,Reason: ERROR_CONTACT_NOT_FOUND, ERROR_CONTACT_SUPPRESSED, ERROR_PROGRAM_NOT_ACTIVE).',
    ok: [200, str], okType: 'text/csv',
    handler: async (req, res, { s }) => {
      res.status(200).type('text/csv; charset=utf-8').send(faultsCsv(await s.programs.faults(actorOf(res).accountId, req.params.enrolmentId)));
    },
  },
  {
    // why: the vendor has both /programs/enrolments/{enrolmentId} and /programs/enrolments/{status} on one path; a guid
    // is an enrolment, anything else a status (as /contacts/{idOrEmail} tells an id from an email).
    method: 'get', path: '/programs/enrolments/:idOrStatus', kind: 'vendor', tag, summary: 'One enrolment by id, or the enrolments of a status (Processing, Finished).',
    query: PAGED, ok: [200, { oneOf: [ref('ApiProgramEnrolment'), arrayOf(ref('ApiProgramEnrolment'))] }], xml: null,
    handler: async (req, res, { s, route }) => {
      const a = actorOf(res).accountId;
      const ext = withExtensions(req, route.kind);
      const v = req.params.idOrStatus;
      if (isGuid(v)) return res.json(enrolmentJson(await s.programs.enrolment(a, v), ext));
      res.json((await s.programs.enrolmentsByStatus(a, v, paging(req.query))).map((e) => enrolmentJson(e, ext)));
    },
  },
  {
    method: 'get', path: '/programs', kind: 'vendor', tag, summary: 'List programs.', query: PAGED, ok: [200, arrayOf(ref('ApiProgram'))], xml: null,
    handler: async (req, res, { s }) => res.json((await s.programs.list(actorOf(res).accountId, paging(req.query))).map(programJson)),
  },
  {
    method: 'post', path: '/programs', kind: 'extension', tag, summary: 'Define a program (operator; status Draft unless given).', body: ref('ApiProgram'), ok: [201, ref('ApiProgram')], xml: null,
    handler: async (req, res, { s }) => {
      const b = ci(req.body);
      res.status(201).json(programJson(await s.programs.create(actorOf(res).accountId, { name: b.get('name'), status: b.get('status') })));
    },
  },
  {
    method: 'get', path: '/programs/:id', kind: 'vendor', tag, summary: 'Get a program.', ok: [200, ref('ApiProgram')], xml: null,
    handler: async (req, res, { s }) => res.json(programJson(await s.programs.get(actorOf(res).accountId, req.params.id))),
  },
  {
    method: 'put', path: '/programs/:id', kind: 'extension', tag, summary: "Set a program's status (operator): only Active programs enrol contacts.",
    body: ref('ApiProgram'), ok: [200, ref('ApiProgram')], xml: null,
    handler: async (req, res, { s }) => res.json(programJson(await s.programs.setStatus(actorOf(res).accountId, req.params.id, ci(req.body).get('status')))),
  },
];
