import { Clock } from '../lib/clock';
import { isGuid, newGuid } from '../lib/ids';
import { DomainError } from '../domain/errors';
import { Enrolment, ENROLMENT_STATUSES, EnrolmentFaultRow, Program, programName, programStatus } from '../domain/program';
import { Repos, Store } from '../db/store';
import { Job, JobQueue } from './jobQueue';
import { SegmentService } from './segments';
import { audienceTargets, idList } from './sends';
import { page } from './paging';

/** The job type of a program enrolment. */
export const ENROLMENT_JOB = 'program-enrolment';

/** An enrolment request as any dialect hands it over ({ProgramId, Contacts[], AddressBooks[]}). */
export interface EnrolmentInput {
  programId?: unknown;
  contacts?: unknown;
  addressBooks?: unknown;
}

/**
 * Programs (created and switched by the operator: CLI and an extension route) and enrolments. An enrolment is a
 * persisted job on the shared job queue: when it runs, the segments it targets are refreshed first when stale (as for a
 * campaign send), then in one transaction every Subscribed contact of its audience is recorded in the outbox (one row
 * each, `program_id` set, the enrolment id as `send_id`) and every contact that cannot be enrolled gets a fault in the
 * vendor's error codes: ERROR_CONTACT_NOT_FOUND (a listed id not in the account), ERROR_CONTACT_SUPPRESSED (not
 * Subscribed), ERROR_PROGRAM_NOT_ACTIVE (the program was not Active when the job ran: nobody is enrolled).
 */
export class ProgramService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
    private readonly segments: SegmentService,
    private readonly opts: { maxSelect: number; segmentWaitMs: number },
  ) {}

  /** Creates a program (status Draft unless given). */
  async create(accountId: number, input: { name?: unknown; status?: unknown }): Promise<Program> {
    const name = programName(input.name);
    const status = input.status === undefined || input.status === null ? 'Draft' : programStatus(input.status);
    return this.store.tx(async (r) => {
      const id = await r.programs.create(accountId, name, status, this.clock.now());
      return (await r.programs.get(accountId, id))!;
    });
  }

  /** The account's programs with paging. */
  async list(accountId: number, o: { select?: unknown; skip?: unknown }): Promise<Program[]> {
    return this.store.repos.programs.list(accountId, page(o.select, o.skip, this.opts.maxSelect));
  }

  /** One program. */
  async get(accountId: number, id: unknown): Promise<Program> {
    return this.mustGet(this.store.repos, accountId, id);
  }

  /** Sets a program's status (Active programs take enrolments). */
  async setStatus(accountId: number, id: unknown, status: unknown): Promise<Program> {
    const st = programStatus(status);
    return this.store.tx(async (r) => {
      const p = await this.mustGet(r, accountId, id);
      await r.programs.setStatus(accountId, p.id, st);
      return (await r.programs.get(accountId, p.id))!;
    });
  }

  /**
   * Accepts an enrolment and queues its job in the same transaction; answers at once (status Processing). The program
   * and every address book/segment must be the account's; unknown contact ids become faults, not a refusal.
   */
  async enrol(accountId: number, input: EnrolmentInput): Promise<Enrolment> {
    const contactIds = idList(input.contacts, 'Contacts', 'PROGRAM_ENROLMENT_INVALID');
    const bookIds = idList(input.addressBooks, 'AddressBooks', 'PROGRAM_ENROLMENT_INVALID');
    if (contactIds.length + bookIds.length === 0) throw new DomainError('PROGRAM_ENROLMENT_INVALID', 'An enrolment needs Contacts or AddressBooks.');
    return this.store.tx(async (r) => {
      const p = await this.mustGet(r, accountId, input.programId);
      for (const id of bookIds) {
        if (!(await r.addressBooks.kindOf(accountId, id))) throw new DomainError('ADDRESSBOOK_NOT_FOUND', `Address book ${id} not found.`);
      }
      const id = newGuid();
      const now = this.clock.now();
      await r.programs.createEnrolment({ id, accountId, programId: p.id, contactIds, addressBookIds: bookIds, createdAt: now });
      await this.jobs.enqueueIn(r, { type: ENROLMENT_JOB, ref: id, accountId, runAfter: now });
      return (await r.programs.enrolment(accountId, id))!;
    });
  }

  /** One enrolment of the account. */
  async enrolment(accountId: number, id: unknown): Promise<Enrolment> {
    return this.mustGetEnrolment(accountId, id);
  }

  /** The account's enrolments of one status (Processing, Finished), newest first. */
  async enrolmentsByStatus(accountId: number, status: unknown, o: { select?: unknown; skip?: unknown }): Promise<Enrolment[]> {
    const st = typeof status === 'string' ? ENROLMENT_STATUSES.find((x) => x.toLowerCase() === status.trim().toLowerCase()) : undefined;
    if (!st) throw new DomainError('PARAMETER_INVALID', `The status must be one of ${ENROLMENT_STATUSES.join(', ')}.`);
    return this.store.repos.programs.enrolmentsByStatus(accountId, st, page(o.select, o.skip, this.opts.maxSelect));
  }

  /** A finished enrolment's faults (PROGRAM_ENROLMENT_NOT_FOUND while it is still processing, as import faults). */
  async faults(accountId: number, id: unknown): Promise<EnrolmentFaultRow[]> {
    const e = await this.mustGetEnrolment(accountId, id);
    if (e.status !== 'Finished') throw new DomainError('PROGRAM_ENROLMENT_NOT_FOUND', 'The enrolment has not finished yet.');
    return this.store.repos.programs.faults(e.id);
  }

  /** The contacts an enrolment enrolled (its outbox rows; operators and tests). */
  async enrolled(accountId: number, id: unknown): Promise<Array<{ contactId: number; email: string; programId: number | null }>> {
    const e = await this.mustGetEnrolment(accountId, id);
    return this.store.repos.programs.enrolled(e.id);
  }

  /**
   * Runs an enrolment job: while a targeted segment has a refresh pending, the refresh is queued (or joined) and the
   * job postponed; then faults and outbox rows are written and the enrolment finishes, in one transaction. Every step is
   * idempotent, so a run taken over after a crash completes exactly once.
   */
  async runJob(job: Job): Promise<'done' | 'waiting' | 'skipped'> {
    const e = await this.store.repos.programs.enrolment(null, job.ref);
    if (!e || e.status === 'Finished') return 'skipped';
    const targets = await audienceTargets(this.store.repos, e.accountId, e.addressBookIds, e.contactIds);
    const pending = await this.segments.prepareForSend(e.accountId, targets.segmentIds);
    const refreshed = [...new Set([...e.refreshedSegments, ...pending])].sort((a, b) => a - b);
    if (refreshed.length !== e.refreshedSegments.length) await this.store.repos.programs.setRefreshed(e.id, refreshed);
    if (pending.length) {
      await this.jobs.postpone(job, job.leaseOwner ?? '', this.opts.segmentWaitMs);
      return 'waiting';
    }
    await this.store.tx(async (r) => {
      const now = this.clock.now();
      const known = new Set(e.contactIds.length ? await r.contacts.existingIds(e.accountId, e.contactIds) : []);
      await r.programs.faultUnknown(e.id, e.contactIds.filter((id) => !known.has(id)));
      const program = await r.programs.get(e.accountId, e.programId);
      if (!program || program.status !== 'Active') {
        await r.programs.faultAudience(e.id, e.accountId, targets, 'ERROR_PROGRAM_NOT_ACTIVE');
      } else {
        await r.programs.faultAudience(e.id, e.accountId, targets);
        await r.programs.enrolToOutbox(e.id, program.id, e.accountId, targets, now);
      }
      await r.programs.finish(e.id, now);
    });
    return 'done';
  }

  private async mustGet(r: Repos, accountId: number, id: unknown): Promise<Program> {
    const n = typeof id === 'string' && /^\s*\d{1,10}\s*$/.test(id) ? Number(id) : id;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 2_147_483_647) throw new DomainError('PROGRAM_NOT_FOUND');
    const p = await r.programs.get(accountId, n);
    if (!p) throw new DomainError('PROGRAM_NOT_FOUND');
    return p;
  }

  private async mustGetEnrolment(accountId: number, id: unknown): Promise<Enrolment> {
    const text = typeof id === 'string' ? id.trim().toLowerCase() : '';
    if (!isGuid(text)) throw new DomainError('PROGRAM_ENROLMENT_NOT_FOUND');
    const e = await this.store.repos.programs.enrolment(accountId, text);
    if (!e) throw new DomainError('PROGRAM_ENROLMENT_NOT_FOUND');
    return e;
  }
}
