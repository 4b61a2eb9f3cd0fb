import { Knex } from 'knex';
import { Dialect } from '../connection';
import { parseJson } from '../sql';

/** A survey question and the contact data field its answer is written to (none = stored only). */
export interface SurveyQuestion {
  id: string;
  text: string;
  dataField: string | null;
}

/** A survey definition. */
export interface Survey {
  id: number;
  name: string;
  questions: SurveyQuestion[];
  createdAt: number;
}

/** SQL for surveys and their responses. */
export class SurveyRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /** Inserts a survey; returns its id. */
  async create(accountId: number, name: string, questions: SurveyQuestion[], now: number): Promise<number> {
    const [id] = await this.db('surveys').insert({ account_id: accountId, name, questions: JSON.stringify(questions), created_at: now });
    return Number(id);
  }

  /** One survey of the account. */
  async get(accountId: number, id: number): Promise<Survey | undefined> {
    const r = await this.db('surveys').where({ account_id: accountId, id }).first();
    return r ? toSurvey(r) : undefined;
  }

  /** The account's surveys with paging. */
  async list(accountId: number, q: { skip: number; select: number }): Promise<Survey[]> {
    return (await this.db('surveys').where({ account_id: accountId }).orderBy('id').limit(q.select).offset(q.skip)).map(toSurvey);
  }

  /** Ids of the account's surveys that map an answer to the field. */
  async usingField(accountId: number, field: string): Promise<number[]> {
    const rows = await this.db('surveys').where({ account_id: accountId }).select('id', 'questions');
    return rows.filter((r) => parseJson<SurveyQuestion[]>(r.questions, []).some((q) => q.dataField === field)).map((r) => Number(r.id));
  }

  /** Stores responses. */
  async addResponses(surveyId: number, rows: Array<{ contactId: number; email: string; answers: Record<string, unknown> }>, now: number): Promise<void> {
    if (!rows.length) return;
    await this.db('survey_responses').insert(
      rows.map((x) => ({ survey_id: surveyId, contact_id: x.contactId, email: x.email, answers: JSON.stringify(x.answers), received_at: now })),
    );
  }

  /** Number of responses of a survey. */
  async responseCount(surveyId: number): Promise<number> {
    const r = await this.db('survey_responses').where({ survey_id: surveyId }).count({ n: '*' }).first();
    return Number(r?.n ?? 0);
  }
}

function toSurvey(r: Record<string, unknown>): Survey {
  return { id: Number(r.id), name: String(r.name), questions: parseJson<SurveyQuestion[]>(r.questions, []), createdAt: Number(r.created_at) };
}
