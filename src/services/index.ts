import { Clock } from '../lib/clock';
import { Metrics } from '../lib/metrics';
import { Config } from '../config';
import { Store } from '../db/store';
import { AccountService } from './accounts';
import { ActivityService } from './activities';
import { AddressBookService } from './addressBooks';
import { CampaignService } from './campaigns';
import { CampaignReportService } from './campaignReports';
import { ContactService } from './contacts';
import { DataFieldService } from './dataFields';
import { ImportService } from './imports';
import { JobQueue } from './jobQueue';
import { SegmentService } from './segments';
import { StatusService } from './status';
import { StatusSessionService } from './statusSessions';
import { SendService } from './sends';
import { SurveyService } from './surveys';
import { UsageGuard } from './usage';
import { LoginThrottle } from './loginThrottle';
import { SegmentHooks, SegmentWriteHooks } from './segmentHooks';
import { ReadinessService } from './readiness';
import { TransactionalDataService } from './transactionalData';
import { TemplateService } from './templates';
import { FromAddressService } from './fromAddresses';
import { SmsService } from './sms';
import { OutboxService } from './outbox';
import { FileService } from './files';
import { SplitTestService } from './splitTests';
import { ProgramService } from './programs';

/** Every shared service, wired once; the jobs, the CLI and the tests also get the store. */
export interface Services {
  store: Store;
  readiness: ReadinessService;
  clock: Clock;
  config: Config;
  metrics: Metrics;
  accounts: AccountService;
  dataFields: DataFieldService;
  contacts: ContactService;
  addressBooks: AddressBookService;
  jobs: JobQueue;
  imports: ImportService;
  segments: SegmentService;
  usage: UsageGuard;
  campaigns: CampaignService;
  activities: ActivityService;
  campaignReports: CampaignReportService;
  surveys: SurveyService;
  status: StatusService;
  statusSessions: StatusSessionService;
  sends: SendService;
  transactionalData: TransactionalDataService;
  templates: TemplateService;
  fromAddresses: FromAddressService;
  sms: SmsService;
  outbox: OutboxService;
  /** Documents, images and campaign attachments (issue #21). */
  files: FileService;
  /** Split-test campaigns and sends (issue #21). */
  splitTests: SplitTestService;
  /** Programs and enrolments (issue #21). */
  programs: ProgramService;
}

/** What the transports see: every service, never the store (so never knex). */
export type TransportServices = Omit<Services, 'store'>;

/** Builds the service layer on a store; the only place services are assembled. */
export function createServices(store: Store, clock: Clock, config: Config, metrics: Metrics = new Metrics()): Services {
  const hooks: SegmentHooks = new SegmentWriteHooks(clock);
  const usage = new UsageGuard(clock, { callsPerHour: config.rateLimitPerHour });
  const logins = new LoginThrottle(clock, { maxFailures: config.loginMaxFailures, windowMs: config.loginThrottleWindowMs });
  const accounts = new AccountService(store, clock, logins);
  const dataFields = new DataFieldService(store, clock);
  const contacts = new ContactService(store, clock, hooks, config.maxSelect);
  const addressBooks = new AddressBookService(store, clock, hooks, contacts, config.maxSelect);
  const jobs = new JobQueue(store, clock, config.jobLeaseMs);
  const imports = new ImportService(store, clock, hooks, jobs, config, metrics);
  const segments = new SegmentService(store, clock, jobs, config, contacts);
  dataFields.addDependencyFinder((r, accountId, name) => segments.fieldDependencies(r, accountId, name));
  metrics.oldestStaleAge = () => segments.oldestStaleAgeSeconds();
  const campaigns = new CampaignService(store, clock, config.maxSelect);
  const activities = new ActivityService(store, clock, hooks, contacts, campaigns);
  const campaignReports = new CampaignReportService(store, campaigns, contacts, addressBooks, config.maxSelect);
  const surveys = new SurveyService(store, clock, hooks, contacts, config.maxSelect);
  dataFields.addDependencyFinder(async (r, accountId, field) =>
    (await surveys.usingField(r, accountId, field)).map((objectId) => ({ type: 'Survey' as const, objectId })),
  );
  const sends = new SendService(store, clock, jobs, campaigns, segments, { maxSelect: config.maxSelect, segmentWaitMs: config.sendSegmentWaitMs });
  // why: the status page reads sends through `services.sends.recent` when a sends service is wired, else the table.
  const status = new StatusService(store, clock, segments, jobs, () => (services as { sends?: unknown }).sends);
  const statusSessions = new StatusSessionService(store, clock);
  const services: Services = { store, readiness: new ReadinessService(store), clock, config, metrics, accounts, dataFields, contacts, addressBooks, jobs, imports, segments, usage, campaigns, activities, campaignReports, surveys, status, statusSessions, sends, transactionalData: new TransactionalDataService(store, clock, hooks, jobs, config), templates: new TemplateService(store, clock, config.maxSelect), fromAddresses: new FromAddressService(store, clock, campaigns, config.maxSelect), sms: new SmsService(store, clock), outbox: new OutboxService(store, clock, config.maxSelect), files: new FileService(store, clock, campaigns), splitTests: new SplitTestService(store, clock, jobs, campaigns, sends), programs: new ProgramService(store, clock, jobs, segments, { maxSelect: config.maxSelect, segmentWaitMs: config.sendSegmentWaitMs }) };
  sends.useHandOver(services.splitTests);
  return services;
}
