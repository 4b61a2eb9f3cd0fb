import { Clock } from '../lib/clock';
import { emailKey, normaliseEmail } from '../domain/contact';
import { coerceFieldValue } from '../domain/dataField';
import { DomainError } from '../domain/errors';
import { Repos, Store } from '../db/store';
import { Survey, SurveyQuestion } from '../db/repos/surveys';
import { ContactService } from './contacts';
import { page } from './paging';
import { SegmentHooks } from './segmentHooks';

export type { Survey, SurveyQuestion } from '../db/repos/surveys';

/** One survey response as posted: who answered and the answers keyed by question id. */
export interface SurveyResponseInput {
  email?: unknown;
  answers?: unknown;
}

const MAX_RESPONSES = 5000;

/** Surveys whose answers are mapped into contact data fields. Writing answers is a BULK write (deferred segments). */
export class SurveyService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly hooks: SegmentHooks,
    private readonly contacts: ContactService,
    private readonly maxSelect: number,
  ) {}

  /** Defines a survey; each question may map to an existing data field. */
  async create(accountId: number, input: { name?: unknown; questions?: unknown }): Promise<Survey> {
    if (typeof input.name !== 'string' || !input.name.trim()) throw new DomainError('PARAMETER_INVALID', 'A survey needs a name.');
    if (!Array.isArray(input.questions) || input.questions.length === 0) throw new DomainError('PARAMETER_INVALID', 'A survey needs questions.');
    return this.store.tx(async (r) => {
      const fields = new Map((await r.dataFields.list(accountId)).map((f) => [f.name, f]));
      const seen = new Set<string>();
      const questions: SurveyQuestion[] = (input.questions as unknown[]).map((q, i) => {
        const o = (q ?? {}) as Record<string, unknown>;
        const id = String(o.id ?? `q${i + 1}`).trim();
        if (!id || id.length > 50 || seen.has(id)) throw new DomainError('PARAMETER_INVALID', `Question ${i}: id must be unique, 1 to 50 characters.`);
        seen.add(id);
        const field = o.dataField === undefined || o.dataField === null || o.dataField === '' ? null : String(o.dataField).trim().toUpperCase();
        if (field !== null && !fields.has(field)) throw new DomainError('DATAFIELD_NOTFOUND', `Question ${id}: data field ${field} does not exist.`);
        return { id, text: String(o.text ?? '').slice(0, 500), dataField: field };
      });
      const id = await r.surveys.create(accountId, input.name!.toString().trim(), questions, this.clock.now());
      return (await r.surveys.get(accountId, id))!;
    });
  }

  /** One survey. */
  async get(accountId: number, id: unknown): Promise<Survey & { responses: number }> {
    const s = await this.mustGet(this.store.repos, accountId, id);
    return { ...s, responses: await this.store.repos.surveys.responseCount(s.id) };
  }

  /** The account's surveys. */
  async list(accountId: number, o: { select?: unknown; skip?: unknown }): Promise<Survey[]> {
    return this.store.repos.surveys.list(accountId, page(o.select, o.skip, this.maxSelect));
  }

  /**
   * Records responses and writes mapped answers into the contacts' data fields (creating unknown contacts), all in one
   * transaction: every response valid or nothing written. why: since 2013 survey data mapping is a bulk update, so it
   * marks real-time segments stale for the sweeper instead of re-evaluating them per answer.
   */
  async respond(accountId: number, surveyId: unknown, responses: SurveyResponseInput[]): Promise<{ accepted: number; contactsUpdated: number }> {
    if (!Array.isArray(responses) || responses.length === 0) throw new DomainError('PARAMETER_INVALID', 'Send one response or a non-empty array.');
    if (responses.length > MAX_RESPONSES) throw new DomainError('PARAMETER_INVALID', `At most ${MAX_RESPONSES} responses per call.`);
    return this.store.tx(async (r) => {
      const survey = await this.mustGet(r, accountId, surveyId);
      const fields = new Map((await r.dataFields.list(accountId)).map((f) => [f.name, f]));
      const byId = new Map(survey.questions.map((q) => [q.id, q]));
      const parsed = responses.map((resp, i) => {
        try {
          const email = normaliseEmail(resp?.email);
          if (typeof resp.answers !== 'object' || resp.answers === null || Array.isArray(resp.answers)) {
            throw new DomainError('PARAMETER_INVALID', 'answers must be an object keyed by question id.');
          }
          const answers: Record<string, unknown> = Object.create(null);
          const data: Record<string, unknown> = Object.create(null);
          for (const [qid, value] of Object.entries(resp.answers as Record<string, unknown>)) {
            const q = byId.get(qid);
            if (!q) throw new DomainError('PARAMETER_INVALID', `Unknown question ${qid}.`);
            answers[qid] = value;
            const f = q.dataField ? fields.get(q.dataField) : undefined;
            if (f) data[f.name] = coerceFieldValue(f, value);
          }
          return { email, answers, data };
        } catch (e) {
          if (e instanceof DomainError) throw new DomainError(e.code, `Response ${i}: ${e.text}`);
          throw e;
        }
      });
      const ids: number[] = [];
      const stored: Array<{ contactId: number; email: string; answers: Record<string, unknown> }> = [];
      for (const p of parsed) {
        const { contact } = await this.contacts.upsert(r, accountId, { email: p.email, dataFields: p.data });
        ids.push(contact.id);
        stored.push({ contactId: contact.id, email: emailKey(p.email), answers: p.answers });
      }
      await r.surveys.addResponses(survey.id, stored, this.clock.now());
      await this.hooks.bulkWrite(r, accountId, [...new Set(ids)]);
      return { accepted: parsed.length, contactsUpdated: new Set(ids).size };
    });
  }

  /** Surveys that map answers to a data field (blocks deleting it). */
  async usingField(r: Repos, accountId: number, field: string): Promise<number[]> {
    return r.surveys.usingField(accountId, field);
  }

  private async mustGet(r: Repos, accountId: number, id: unknown): Promise<Survey> {
    const n = typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id;
    const s = typeof n === 'number' && Number.isInteger(n) && n > 0 ? await r.surveys.get(accountId, n) : undefined;
    if (!s) throw new DomainError('SURVEY_NOT_FOUND');
    return s;
  }
}
