import { Knex } from 'knex';
import { DomainError } from '../domain/errors';
import { Dialect } from './connection';
import { PreparedReads } from './prepared';
import { migrationStatus } from './migrate';
import { isTransientDbError, isUniqueViolation, TRANSIENT_TEXT } from './errors';
import { AccountRepo } from './repos/accounts';
import { ActivityRepo } from './repos/activities';
import { AddressBookRepo } from './repos/addressBooks';
import { CampaignRepo } from './repos/campaigns';
import { CampaignReportRepo } from './repos/campaignReports';
import { CampaignRollupRepo } from './repos/campaignRollups';
import { ContactRepo } from './repos/contacts';
import { DataFieldRepo } from './repos/dataFields';
import { ImportRepo } from './repos/imports';
import { ImportWriteRepo } from './repos/importWrite/writeChunk';
import { JobRepo } from './repos/jobs';
import { SurveyRepo } from './repos/surveys';
import { SegmentRepo } from './repos/segments';
import { SegmentEvalRepo } from './repos/segmentEval';
import { SegmentHistoryRepo } from './repos/segmentHistory';
import { SegmentSingleRepo } from './repos/segmentSingle';
import { StatusReadRepo } from './repos/statusReads';
import { SendRepo } from './repos/sends';
import { StatusSessionRepo } from './repos/statusSessions';
import { TransactionalDataRepo } from './repos/transactionalData';
import { TemplateRepo } from './repos/templates';
import { FromAddressRepo } from './repos/fromAddresses';
import { OutboxRepo } from './repos/outbox';
import { FileRepo } from './repos/files';
import { SplitTestRepo } from './repos/splitTests';
import { ProgramRepo } from './repos/programs';

/** A knex connection or an open transaction; repositories run on either. */
export type Db = Knex | Knex.Transaction;

/** The repositories, bound to one connection or transaction. */
export class Repos {
  readonly accounts: AccountRepo;
  readonly dataFields: DataFieldRepo;
  readonly contacts: ContactRepo;
  readonly addressBooks: AddressBookRepo;
  readonly jobs: JobRepo;
  readonly campaigns: CampaignRepo;
  readonly activities: ActivityRepo;
  readonly campaignReports: CampaignReportRepo;
  readonly campaignRollups: CampaignRollupRepo;
  readonly surveys: SurveyRepo;
  readonly segments: SegmentRepo;
  readonly segmentEval: SegmentEvalRepo;
  readonly segmentHistory: SegmentHistoryRepo;
  readonly segmentSingle: SegmentSingleRepo;
  readonly imports: ImportRepo;
  /** The import write port: how one import chunk is written into the contacts. */
  readonly importWrites: ImportWriteRepo;
  readonly statusReads: StatusReadRepo;
  readonly sends: SendRepo;
  readonly statusSessions: StatusSessionRepo;
  readonly transactionalData: TransactionalDataRepo;
  readonly templates: TemplateRepo;
  readonly fromAddresses: FromAddressRepo;
  readonly outbox: OutboxRepo;
  /** Documents, images, their folders and campaign attachments. */
  readonly files: FileRepo;
  /** Split-test campaigns, their versions and split-test sends. */
  readonly splitTests: SplitTestRepo;
  /** Programs, enrolments and their faults. */
  readonly programs: ProgramRepo;
  constructor(
    readonly db: Db,
    readonly dialect: Dialect,
    /** Prepared hot reads; only for repositories on the plain connection, never inside a transaction. */
    fast?: PreparedReads,
  ) {
    this.accounts = new AccountRepo(db, dialect);
    this.dataFields = new DataFieldRepo(db, dialect, fast);
    this.contacts = new ContactRepo(db, dialect, fast);
    this.addressBooks = new AddressBookRepo(db, dialect);
    this.jobs = new JobRepo(db, dialect);
    this.campaigns = new CampaignRepo(db, dialect);
    this.activities = new ActivityRepo(db, dialect);
    this.campaignReports = new CampaignReportRepo(db, dialect);
    this.campaignRollups = new CampaignRollupRepo(db, dialect);
    this.surveys = new SurveyRepo(db, dialect);
    this.segments = new SegmentRepo(db, dialect);
    this.segmentEval = new SegmentEvalRepo(db, dialect);
    this.segmentHistory = new SegmentHistoryRepo(db);
    this.segmentSingle = new SegmentSingleRepo(db, dialect);
    this.imports = new ImportRepo(db, dialect);
    this.importWrites = new ImportWriteRepo(db, dialect);
    this.statusReads = new StatusReadRepo(db);
    this.sends = new SendRepo(db, dialect);
    this.statusSessions = new StatusSessionRepo(db);
    this.transactionalData = new TransactionalDataRepo(db, dialect);
    this.templates = new TemplateRepo(db);
    this.fromAddresses = new FromAddressRepo(db);
    this.outbox = new OutboxRepo(db, dialect);
    this.files = new FileRepo(db, dialect);
    this.splitTests = new SplitTestRepo(db, dialect);
    this.programs = new ProgramRepo(db, dialect);
  }
}

/** The driver-error readers the services use (defined in db/errors.ts, so repositories share them). */
export { isTransientDbError, isUniqueViolation, TRANSIENT_TEXT } from './errors';

/** The database as the services see it: repositories and transactions, no SQL. */
export class Store {
  /** Repositories on the plain connection (each statement commits by itself). */
  readonly repos: Repos;
  private readonly fast: PreparedReads | undefined;
  constructor(
    readonly knex: Knex,
    readonly dialect: Dialect,
    // why: 8 retries (9 attempts, under a second of back-off in all): on MariaDB a single write loses deadlocks to a
    // segment refresh's INSERT ... SELECT row locks, and fewer retries let some reach the client (soak figures in
    // docs/reliability.md, "More patience for transient database errors").
    private readonly maxRetries = 8,
  ) {
    this.fast = dialect === 'sqlite' ? PreparedReads.of(knex) : undefined;
    this.repos = new Repos(knex, dialect, this.fast);
  }

  /** Runs fn in one transaction, retrying a bounded number of times on deadlocks and lock timeouts. */
  async tx<T>(fn: (r: Repos) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.knex.transaction(async (trx) => fn(new Repos(trx, this.dialect)));
      } catch (e) {
        // why: services check-then-insert (email, field name, book name); two concurrent callers can both pass the
        // check on MySQL and the second insert then hits the unique key. Re-running the whole transaction sees the
        // winner's committed row, so it updates it or throws the proper domain error instead of a 500.
        if (!(isTransientDbError(e) || isUniqueViolation(e))) throw e;
        if (attempt >= this.maxRetries) {
          // why: a deadlock or lock wait that outlasts the retries is the caller's cue to retry later (503), not a 500.
          if (isTransientDbError(e)) throw new DomainError('SYSTEM_SERVICETEMPORARILYUNAVAILABLE', TRANSIENT_TEXT);
          throw e;
        }
        await new Promise((res) => setTimeout(res, Math.min(200, 5 * 2 ** attempt) + Math.random() * 10 * (attempt + 1)));
      }
    }
  }

  /** Checks that the database answers. */
  async ping(): Promise<void> {
    await this.knex.raw('select 1');
  }

  /** The names of the migrations this database still lacks. */
  async pendingMigrations(): Promise<string[]> {
    return (await migrationStatus(this.knex)).pending;
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    this.fast?.close();
    await this.knex.destroy();
  }
}
