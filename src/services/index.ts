import { Clock } from '../lib/clock';
import { Config } from '../config';
import { Store } from '../db/store';
import { AccountService } from './accounts';
import { AddressBookService } from './addressBooks';
import { ContactService } from './contacts';
import { DataFieldService } from './dataFields';
import { ImportService } from './imports';
import { JobQueue } from './jobQueue';
import { SegmentService } from './segments';
import { SegmentHooks, SegmentWriteHooks } from './segmentHooks';

/** Every shared service, wired once and handed to the transports and jobs. */
export interface Services {
  store: Store;
  clock: Clock;
  config: Config;
  accounts: AccountService;
  dataFields: DataFieldService;
  contacts: ContactService;
  addressBooks: AddressBookService;
  jobs: JobQueue;
  imports: ImportService;
  segments: SegmentService;
}

/** Builds the service layer on a store; the only place services are assembled. */
export function createServices(store: Store, clock: Clock, config: Config): Services {
  const hooks: SegmentHooks = new SegmentWriteHooks(clock);
  const accounts = new AccountService(store, clock);
  const dataFields = new DataFieldService(store, clock);
  const contacts = new ContactService(store, clock, hooks, config.maxSelect);
  const addressBooks = new AddressBookService(store, clock, hooks, contacts, config.maxSelect);
  const jobs = new JobQueue(store, clock, config.jobLeaseMs);
  const imports = new ImportService(store, clock, hooks, jobs, config);
  const segments = new SegmentService(store, clock, jobs, config, contacts);
  dataFields.addDependencyFinder((r, accountId, name) => segments.fieldDependencies(r, accountId, name));
  return { store, clock, config, accounts, dataFields, contacts, addressBooks, jobs, imports, segments };
}
