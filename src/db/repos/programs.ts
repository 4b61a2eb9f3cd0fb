import { Knex } from 'knex';
import { Enrolment, EnrolmentFault, EnrolmentFaultRow, EnrolmentStatus, Program, ProgramStatus } from '../../domain/program';
import { Dialect } from '../connection';
import { affectedRows, parseJson } from '../sql';
import { audiencePredicate, SendAudience } from './sends';

/** SQL for programs, enrolments, their faults and the enrolled contacts' outbox rows. */
export class ProgramRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /** Inserts a program; returns its id. */
  async create(accountId: number, name: string, status: ProgramStatus, now: number): Promise<number> {
    const [id] = await this.db('programs').insert({ account_id: accountId, name, status, created_at: now });
    return Number(id);
  }

  /** One program of the account. */
  async get(accountId: number, id: number): Promise<Program | undefined> {
    const r = await this.db('programs').where({ account_id: accountId, id }).first();
    return r ? toProgram(r) : undefined;
  }

  /** The account's programs with paging. */
  async list(accountId: number, q: { skip: number; select: number }): Promise<Program[]> {
    return (await this.db('programs').where({ account_id: accountId }).orderBy('id').limit(q.select).offset(q.skip)).map(toProgram);
  }

  /** Sets a program's status. */
  async setStatus(accountId: number, id: number, status: ProgramStatus): Promise<void> {
    await this.db('programs').where({ account_id: accountId, id }).update({ status });
  }

  /** Inserts an enrolment (Processing). */
  async createEnrolment(e: Pick<Enrolment, 'id' | 'accountId' | 'programId' | 'contactIds' | 'addressBookIds' | 'createdAt'>): Promise<void> {
    await this.db('program_enrolments').insert({
      id: e.id,
      account_id: e.accountId,
      program_id: e.programId,
      status: 'Processing',
      contact_ids: JSON.stringify(e.contactIds),
      address_book_ids: JSON.stringify(e.addressBookIds),
      created_at: e.createdAt,
    });
  }

  /** One enrolment (of the account, or of any account with null: the job). */
  async enrolment(accountId: number | null, id: string): Promise<Enrolment | undefined> {
    const q = this.db('program_enrolments').where({ id });
    if (accountId !== null) q.andWhere({ account_id: accountId });
    const r = await q.first();
    return r ? toEnrolment(r) : undefined;
  }

  /** The account's enrolments of one status, newest first, with paging. */
  async enrolmentsByStatus(accountId: number, status: EnrolmentStatus, q: { skip: number; select: number }): Promise<Enrolment[]> {
    const rows = await this.db('program_enrolments').where({ account_id: accountId, status }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id' }]).limit(q.select).offset(q.skip);
    return rows.map(toEnrolment);
  }

  /** Records the segments refreshed for the enrolment. */
  async setRefreshed(id: string, segmentIds: number[]): Promise<void> {
    await this.db('program_enrolments').where({ id }).update({ refreshed_segments: JSON.stringify(segmentIds) });
  }

  /** Faults for listed contact ids that are not the account's (idempotent). */
  async faultUnknown(enrolmentId: string, contactIds: number[]): Promise<void> {
    await this.addFaults(enrolmentId, contactIds.map((contactId) => ({ contactId, reason: 'ERROR_CONTACT_NOT_FOUND' })));
  }

  /**
   * Faults for the audience's contacts that cannot be enrolled (set-based, idempotent): every one with `reason` when
   * given (the program is not active), else the ones whose status is not Subscribed (ERROR_CONTACT_SUPPRESSED).
   */
  async faultAudience(enrolmentId: string, accountId: number, a: SendAudience, reason?: EnrolmentFault): Promise<number> {
    const who = audiencePredicate(accountId, a);
    const res = await this.db.raw(
      `insert into program_enrolment_faults (enrolment_id, contact_id, reason) select distinct ?, c.id, ? from contacts c ` +
        `where c.account_id = ?${reason ? '' : ` and c.status <> 'Subscribed'`} and ${who.sql} ` +
        `and not exists (select 1 from program_enrolment_faults f where f.enrolment_id = ? and f.contact_id = c.id)`,
      [enrolmentId, reason ?? 'ERROR_CONTACT_SUPPRESSED', accountId, ...who.args, enrolmentId],
    );
    return affectedRows(this.dialect, res);
  }

  /** One outbox row per Subscribed audience contact (send_id = the enrolment, program_id set; idempotent). */
  async enrolToOutbox(enrolmentId: string, programId: number, accountId: number, a: SendAudience, now: number): Promise<number> {
    const who = audiencePredicate(accountId, a);
    const res = await this.db.raw(
      // why: account_id and kind make the row consumable through the outbox routes (docs/outbox.md).
      `insert into outbox (account_id, kind, send_id, contact_id, email, subject, created_at, program_id) select distinct c.account_id, 'program', ?, c.id, c.email, null, ?, ? from contacts c ` +
        `where c.account_id = ? and c.status = 'Subscribed' and ${who.sql} ` +
        `and not exists (select 1 from outbox o where o.send_id = ? and o.contact_id = c.id)`,
      [enrolmentId, now, programId, accountId, ...who.args, enrolmentId],
    );
    return affectedRows(this.dialect, res);
  }

  /** Marks an enrolment Finished with its enrolled count (the outbox rows it has). */
  async finish(id: string, now: number): Promise<void> {
    const r = await this.db('outbox').where({ send_id: id }).count({ n: '*' }).first();
    await this.db('program_enrolments').where({ id, status: 'Processing' }).update({ status: 'Finished', enrolled: Number(r?.n ?? 0), finished_at: now });
  }

  /** An enrolment's faults by contact id. */
  async faults(id: string): Promise<EnrolmentFaultRow[]> {
    const rows = await this.db('program_enrolment_faults').where({ enrolment_id: id }).orderBy('contact_id');
    return rows.map((r: Record<string, unknown>) => ({ contactId: Number(r.contact_id), reason: r.reason as EnrolmentFault }));
  }

  /** The contacts an enrolment enrolled (its outbox rows), by contact id. */
  async enrolled(id: string): Promise<Array<{ contactId: number; email: string; programId: number | null }>> {
    const rows = await this.db('outbox').where({ send_id: id }).orderBy('contact_id').select('contact_id', 'email', 'program_id');
    return rows.map((r: Record<string, unknown>) => ({ contactId: Number(r.contact_id), email: String(r.email), programId: r.program_id === null ? null : Number(r.program_id) }));
  }

  private async addFaults(enrolmentId: string, rows: EnrolmentFaultRow[]): Promise<void> {
    if (!rows.length) return;
    const have = new Set((await this.db('program_enrolment_faults').where({ enrolment_id: enrolmentId }).select('contact_id')).map((r: { contact_id: unknown }) => Number(r.contact_id)));
    const add = rows.filter((x) => !have.has(x.contactId));
    for (let i = 0; i < add.length; i += 500) {
      await this.db('program_enrolment_faults').insert(add.slice(i, i + 500).map((x) => ({ enrolment_id: enrolmentId, contact_id: x.contactId, reason: x.reason })));
    }
  }
}

function toProgram(r: Record<string, unknown>): Program {
  return { id: Number(r.id), name: String(r.name), status: r.status as ProgramStatus, createdAt: Number(r.created_at) };
}

function toEnrolment(r: Record<string, unknown>): Enrolment {
  return {
    id: String(r.id),
    accountId: Number(r.account_id),
    programId: Number(r.program_id),
    status: r.status as EnrolmentStatus,
    contactIds: parseJson<number[]>(r.contact_ids, []),
    addressBookIds: parseJson<number[]>(r.address_book_ids, []),
    refreshedSegments: parseJson<number[]>(r.refreshed_segments, []),
    enrolled: r.enrolled === null || r.enrolled === undefined ? null : Number(r.enrolled),
    createdAt: Number(r.created_at),
    finishedAt: r.finished_at === null || r.finished_at === undefined ? null : Number(r.finished_at),
  };
}
