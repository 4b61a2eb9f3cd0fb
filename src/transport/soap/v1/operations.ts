import { DomainError } from '../../../domain/errors';
import { TransportServices } from '../../../services';
import { Actor } from '../../../services/accounts';
import {
  accountOut,
  activitySummaryOut,
  bookIn,
  campaignIn,
  campaignOut,
  bookOut,
  contactIn,
  contactOut,
  contactRefIn,
  dataLabelOut,
  dependencyOut,
  importReportOut,
  importStatusToV1,
  isNewId,
  resubscribeToV1,
  statusByEmailToV1,
  suppressionOut,
  Wire,
} from './mappers';
import { V1_REPORT_HANDLERS } from './reportOperations';
import { V1_SENDERS_HANDLERS } from './sendersOperations';
import { V1_SPLIT_TEST_HANDLERS } from './splitTestOperations';

/** Per-call context an operation may need beyond its arguments. */
export interface V1Context {
  /** The endpoint URL the caller used (for GetCurrentAccountInfo's ApiEndpoint). */
  endpoint: string;
}

/** One v1 operation: decoded request children in, the `<Op>Result` value out (undefined for void operations). */
export type V1Operation = (s: TransportServices, actor: Actor, args: Wire, ctx: V1Context) => Promise<unknown>;

const full = { withFullData: true };

function addressBookArg(v: unknown): unknown {
  // why: ints are required elements; a client that leaves one out means "none", which no book has.
  return v === undefined ? 0 : v;
}

async function contactIdOf(s: TransportServices, actor: Actor, contact: unknown): Promise<number> {
  const ref = contactRefIn(contact);
  if (ref.id !== undefined) return (await s.contacts.get(actor.accountId, ref.id)).id;
  return (await s.contacts.getByEmail(actor.accountId, ref.email)).id;
}

function startImport(s: TransportServices, actor: Actor, a: Wire): Promise<{ id: string }> {
  if (!Buffer.isBuffer(a.data) || a.data.length === 0) throw new DomainError('PARAMETER_INVALID', 'data must hold the file, base64-encoded.');
  return s.imports.start(actor.accountId, {
    addressBookId: addressBookArg(a.addressbookID),
    dataType: typeof a.dataType === 'string' ? a.dataType : 'CSV',
    fileName: `import.${typeof a.dataType === 'string' ? a.dataType.toLowerCase() : 'csv'}`,
    data: a.data,
    dialect: 'v1',
  });
}

/** Every served v1 operation, by name; each calls the shared services only. */
export const V1_HANDLERS: Readonly<Record<string, V1Operation>> = {
  // Contacts
  async CreateContact(s, actor, a) {
    return contactOut(await s.contacts.create(actor.accountId, contactIn(a.contact)));
  },
  async UpdateContact(s, actor, a) {
    const input = contactIn(a.contact);
    // why: v1 updates by ID; a contact sent with ID -1/0 is found by its email instead.
    const id = input.id !== undefined ? input.id : (await s.contacts.getByEmail(actor.accountId, input.email)).id;
    await s.contacts.update(actor.accountId, id, input);
    return undefined;
  },
  async GetContactById(s, actor, a) {
    return contactOut(await s.contacts.get(actor.accountId, a.id));
  },
  async GetContactByEmail(s, actor, a) {
    return contactOut(await s.contacts.getByEmail(actor.accountId, a.email));
  },
  async ListContactsInAddressBook(s, actor, a) {
    return (await s.addressBooks.listContacts(actor.accountId, addressBookArg(a.addressBookId), { select: a.select, skip: a.skip })).map(contactOut);
  },
  async ListContactsInAddressBookWithFullData(s, actor, a) {
    const list = await s.addressBooks.listContacts(actor.accountId, addressBookArg(a.addressBookId), { select: a.select, skip: a.skip, ...full });
    return list.map(contactOut);
  },
  async ListModifiedContacts(s, actor, a) {
    return (await s.contacts.listModifiedSince(actor.accountId, a.startDate, { until: a.endDate })).map(contactOut);
  },
  async ListModifiedContacts2(s, actor, a) {
    return (await s.contacts.listModifiedSince(actor.accountId, a.startDate, { select: a.select, skip: a.skip })).map(contactOut);
  },
  async ListModifiedContactsInAddressBook(s, actor, a) {
    const list = await s.addressBooks.listModifiedContacts(actor.accountId, addressBookArg(a.addressBookID), a.startDate, { until: a.endDate });
    return list.map(contactOut);
  },
  async ListModifiedContactsInAddressBook2(s, actor, a) {
    const list = await s.addressBooks.listModifiedContacts(actor.accountId, addressBookArg(a.addressBookID), a.sinceDate, { select: a.select, skip: a.skip });
    return list.map(contactOut);
  },
  async ListNewContacts(s, actor, a) {
    return (await s.contacts.listCreatedSince(actor.accountId, a.startDate, { select: a.select, skip: a.skip })).map(contactOut);
  },
  async ListUnsubscribers(s, actor, a) {
    return (await s.contacts.listUnsubscribed(actor.accountId, a.startDate, {})).map((x) => contactOut(x.contact));
  },
  async ListUnsubscribersAddressBook(s, actor, a) {
    const list = await s.addressBooks.listUnsubscribed(actor.accountId, addressBookArg(a.addressBookID), a.startDate, { select: a.select, skip: a.skip });
    return list.map((x) => contactOut(x.contact));
  },
  async ListSuppressedContacts(s, actor, a) {
    return (await s.contacts.listSuppressed(actor.accountId, a.startDate, { select: a.select, skip: a.skip })).map(suppressionOut);
  },
  async ResubscribeContact(s, actor, a) {
    const ref = contactRefIn(a.contact);
    const book = a.addressBookId;
    // why: addressBookId is a required int; 0 or -1 means "no particular book" (resubscribe to the account only).
    const r = isNewId(book) ? await s.contacts.resubscribe(actor.accountId, ref) : await s.addressBooks.resubscribeContact(actor.accountId, book, ref);
    return resubscribeToV1(r.result);
  },
  async GetContactStatusByEmail(s, actor, a) {
    return statusByEmailToV1(await s.contacts.statusByEmail(actor.accountId, a.email));
  },

  // Address books
  async ListAddressBooks(s, actor) {
    return (await s.addressBooks.list(actor.accountId, {})).map(bookOut);
  },
  async ListAddressBooksForContact(s, actor, a) {
    const id = await contactIdOf(s, actor, a.contact);
    return (await s.addressBooks.booksForContact(actor.accountId, id, {})).map(bookOut);
  },
  async CreateAddressBook(s, actor, a) {
    return bookOut(await s.addressBooks.create(actor.accountId, bookIn(a.book)));
  },
  async DeleteAddressBook(s, actor, a) {
    await s.addressBooks.delete(actor.accountId, addressBookArg(a.addressbookid));
    return undefined;
  },
  async GetAddressBookContactCount(s, actor, a) {
    return s.addressBooks.count(actor.accountId, addressBookArg(a.addressbookid));
  },
  async AddContactToAddressBook(s, actor, a) {
    return contactOut(await s.addressBooks.addContact(actor.accountId, addressBookArg(a.addressbookId), contactIn(a.contact)));
  },
  async RemoveContactFromAddressBook(s, actor, a) {
    await s.addressBooks.removeContact(actor.accountId, addressBookArg(a.addressBookId), contactRefIn(a.contact), {
      preventResubscribe: a.preventAddressbookResubscribe === true,
      totalUnsubscribe: a.totalUnsubscribe === true,
    });
    return undefined;
  },
  async RemoveAllContactsFromAddressBook(s, actor, a) {
    if (a.addressBookId === -1) {
      // why: the WSDL's "-1 for the whole account" note belongs to RemoveContactFromAddressBook; emptying every
      // book and unsubscribing the whole account in one call is refused rather than guessed.
      throw new DomainError('PARAMETER_INVALID', 'RemoveAllContactsFromAddressBook needs a real address book id; -1 is accepted by RemoveContactFromAddressBook only.');
    }
    await s.addressBooks.removeAll(actor.accountId, addressBookArg(a.addressBookId), {
      preventResubscribe: a.preventAddressbookResubscribe === true,
      totalUnsubscribe: a.totalUnsubscribe === true,
    });
    return undefined;
  },

  // Bulk imports (deferred segment refresh)
  async AddContactsToAddressBook(s, actor, a) {
    await startImport(s, actor, a);
    return undefined;
  },
  async AddContactsToAddressBookWithProgress(s, actor, a) {
    return (await startImport(s, actor, a)).id;
  },
  async GetContactImportProgress(s, actor, a) {
    return importStatusToV1((await s.imports.status(actor.accountId, a.progressID)).status);
  },
  async GetContactImportReport(s, actor, a) {
    return importReportOut(await s.imports.report(actor.accountId, a.progressID));
  },
  async GetContactImportReportFaults(s, actor, a) {
    return s.imports.faultsCsv(actor.accountId, a.progressID);
  },

  // Data fields
  async ListContactDataLabels(s, actor) {
    return (await s.dataFields.list(actor.accountId)).map(dataLabelOut);
  },
  async CreateDataField(s, actor, a) {
    await s.dataFields.create(actor.accountId, { name: a.fieldname, type: a.datatype, defaultValue: a.defaultValue });
    return undefined;
  },
  async DeleteDataField(s, actor, a) {
    return dependencyOut(await s.dataFields.delete(actor.accountId, a.fieldname));
  },

  // Campaigns
  async ListCampaigns(s, actor) {
    return (await s.campaigns.list(actor.accountId, {})).map(campaignOut);
  },
  async GetCampaign(s, actor, a) {
    return campaignOut(await s.campaigns.get(actor.accountId, a.campaignId));
  },
  async CreateCampaign(s, actor, a) {
    return campaignOut(await s.campaigns.create(actor.accountId, campaignIn(a.campaign)));
  },
  async UpdateCampaign(s, actor, a) {
    const c = (a.campaign && typeof a.campaign === 'object' ? a.campaign : {}) as Wire;
    await s.campaigns.update(actor.accountId, c.Id, campaignIn(a.campaign));
    return undefined;
  },

  // Sends (an empty addressBookIds means All contacts)
  async SendCampaignToAddressBooks(s, actor, a) {
    await s.sends.send(actor.accountId, { campaignId: a.campaignId, addressBookIds: a.addressBookIds ?? [], sendDate: a.sendDate });
    return undefined;
  },
  async SendCampaignToAddressBooksWithProgress(s, actor, a) {
    return (await s.sends.send(actor.accountId, { campaignId: a.campaignId, addressBookIds: a.addressBookIds ?? [], sendDate: a.sendDate })).id;
  },
  async SendCampaignToContact(s, actor, a) {
    await s.sends.send(actor.accountId, { campaignId: a.campaignId, contactIds: [a.contactid ?? 0], sendDate: a.sendDate });
    return undefined;
  },
  async ListCampaignActivities(s, actor, a) {
    return (await s.campaignReports.contactActivities(actor.accountId, a.campaignId, { select: a.select, skip: a.skip })).map(activitySummaryOut);
  },
  async GetCampaignSendProgress(s, actor, a) {
    return (await s.sends.get(actor.accountId, a.progressID)).status;
  },

  // Campaign reporting
  ...V1_REPORT_HANDLERS,
  // Custom from addresses and single SMS messages
  ...V1_SENDERS_HANDLERS,
  ...V1_SPLIT_TEST_HANDLERS,

  // Account
  async GetCurrentAccountInfo(s, actor, _a, ctx) {
    return accountOut(await s.accounts.get(actor.accountId), actor.username, ctx.endpoint);
  },
  async GetServerTime(s) {
    return s.clock.now();
  },
};
