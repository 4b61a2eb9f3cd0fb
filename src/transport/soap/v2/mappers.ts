import { AddressBook } from '../../../domain/addressBook';
import { DataField, FieldValue } from '../../../domain/dataField';
import { DomainError } from '../../../domain/errors';
import { ImportReport, REPORT_KEYS } from '../../../domain/importReport';
import { AccountSummary, Actor } from '../../../services/accounts';
import { ContactInput, ContactView, Suppression } from '../../../services/contacts';
import { DependencyResult } from '../../../services/dataFields';
import { ImportState } from '../../../services/imports';
import { TransportServices } from '../../../services';
import { SegmentRefreshState, SegmentView } from '../../../services/segments';
import { SoapCall, SoapHandler } from '../shared/endpoint';
import { requestBase } from '../shared/http';
import { Decoded } from '../shared/decode';
import { AnyValue } from '../shared/xsd';
import { IMPORT_REPORT_FIELDS } from './schema';
import { Campaign } from '../../../domain/campaign';
import { CampaignSend } from '../../../domain/send';
import { CampaignInput } from '../../../services/campaigns';
import { SendInput } from '../../../services/sends';
import { v2ReportHandlers } from './reportMappers';
import { v2TransactionalDataHandlers } from './transactionalDataMappers';
import { v2TemplateHandlers } from './templateMappers';
import { v2SendersHandlers } from './sendersMappers';
import { v2FileHandlers } from './filesMappers';

// v2 SOAP wire names (PascalCase data members, camelCase parameters) live only here; no logic beyond mapping.

type Rec = Record<string, unknown>;

function rec(): Rec {
  return Object.create(null) as Rec;
}

/** The decoded complex argument, or an empty record when absent or nil. */
function obj(v: unknown): Decoded {
  return v && typeof v === 'object' && !Buffer.isBuffer(v) && !Array.isArray(v) ? (v as Decoded) : rec();
}

const XSD_OF: Record<string, AnyValue['xsdType']> = { String: 'string', Numeric: 'decimal', Date: 'dateTime', Boolean: 'boolean' };

/** ApiContactData value: typed by the data field's type (xsi:type on the wire). */
export function fieldValueOut(f: FieldValue): AnyValue {
  if (f.value === null) return { xsdType: 'string', value: null };
  if (f.type === 'Numeric' && typeof f.value === 'number' && Number.isInteger(f.value)) {
    return { xsdType: Math.abs(f.value) <= 2147483647 ? 'int' : 'long', value: f.value };
  }
  return { xsdType: XSD_OF[f.type] ?? 'string', value: f.value };
}

/** ApiContact out. */
export function contactOut(c: ContactView): Rec {
  return {
    Id: c.id,
    Email: c.email,
    OptInType: c.optInType,
    EmailType: c.emailType,
    DataFields: c.fields ? c.fields.map((f) => ({ Key: f.key, Value: fieldValueOut(f) })) : null,
    Status: c.status,
  };
}

/** ApiContact in, as the shared service's input. */
export function contactIn(v: unknown): ContactInput {
  const c = obj(v);
  let dataFields: Record<string, unknown> | undefined;
  if (Array.isArray(c.DataFields)) {
    dataFields = rec();
    for (const item of c.DataFields) {
      if (item === null || item === undefined) continue;
      const d = obj(item);
      if (typeof d.Key !== 'string' || !d.Key.trim()) throw new DomainError('PARAMETER_INVALID', 'Each ApiContactData needs a Key.');
      dataFields[d.Key] = d.Value;
    }
  }
  return { id: c.Id, email: c.Email, optInType: c.OptInType, emailType: c.EmailType, dataFields };
}

/** A contact reference (Id or Email) from an ApiContact. */
function refIn(v: unknown): { id?: unknown; email?: unknown } {
  const c = obj(v);
  return { id: c.Id, email: c.Email };
}

/** ApiAddressBook out. */
export function bookOut(b: AddressBook): Rec {
  return { Id: b.id, Name: b.name, Visibility: b.visibility };
}

/** ApiContactSuppression out. */
export function suppressionOut(s: Suppression): Rec {
  return { SuppressedContact: contactOut(s.contact), DateRemoved: s.dateRemoved, Reason: s.reason };
}

/** ApiContactImport out. */
export function importOut(i: ImportState): Rec {
  return { Id: i.id, Status: i.status };
}

/** ApiContactImportReport out (schema order). */
export function reportOut(r: ImportReport): Rec {
  const out = rec();
  IMPORT_REPORT_FIELDS.forEach((name, i) => (out[name] = r[REPORT_KEYS[i]]));
  return out;
}

/** ApiDataField out. */
export function fieldOut(f: DataField): Rec {
  const value = f.defaultValue === null ? null : fieldValueOut({ key: f.name, value: f.defaultValue, type: f.type });
  return { Name: f.name, Type: f.type, Visibility: f.visibility, DefaultValue: value };
}

/** ApiDependencyResult out. */
export function dependencyOut(d: DependencyResult): Rec {
  return { Dependencies: d.dependencies.map((x) => ({ Type: x.type, ObjectId: x.objectId })), Result: d.result };
}

/** ApiAccount out: id and Name/Type/Value properties, including ApiEndpoint for endpoint discovery. */
export function accountOut(a: AccountSummary, username: string, endpoint: string, callsRemaining: number): Rec {
  const props: Array<[string, string, string]> = [
    ['Name', 'String', a.name],
    ['MainEmail', 'String', username],
    ['ApiCallsRemaining', 'Int32', String(callsRemaining)],
    ['ApiEndpoint', 'String', endpoint],
  ];
  return { Id: a.id, Properties: props.map(([Name, Type, Value]) => ({ Name, Type, Value })) };
}

/** ApiSegment out. */
export function segmentOut(g: SegmentView): Rec {
  return { Id: g.id, Name: g.name, Contacts: g.contacts };
}

/** ApiSegmentRefresh out. */
export function refreshOut(r: SegmentRefreshState): Rec {
  return { Id: r.id, Status: r.status };
}

/** ApiCampaign out (schema order). */
export function campaignOut(c: Campaign): Rec {
  return {
    Id: c.id,
    Name: c.name,
    Subject: c.subject,
    FromName: c.fromName,
    FromAddress: c.fromAddress === null ? null : { Id: c.fromAddressId, Email: c.fromAddress },
    HtmlContent: c.htmlContent,
    PlainTextContent: c.plainTextContent,
    ReplyAction: c.replyAction,
    ReplyToAddress: c.replyToAddress,
    IsSplitTest: c.isSplitTest === true,
    Status: c.status,
  };
}

/** ApiCampaign in (FromAddress is an ApiCampaignFromAddress; its Email is the sender address). */
export function campaignIn(v: unknown): CampaignInput {
  const c = obj(v);
  const from = c.FromAddress === undefined ? undefined : c.FromAddress === null ? null : obj(c.FromAddress).Email;
  // why: .NET proxies send NotAvailableInThisVersion for an enum member that was never set.
  const replyAction = c.ReplyAction === 'NotAvailableInThisVersion' ? undefined : c.ReplyAction;
  return {
    name: c.Name,
    subject: c.Subject,
    fromName: c.FromName,
    fromAddress: from,
    htmlContent: c.HtmlContent,
    plainTextContent: c.PlainTextContent,
    replyAction,
    replyToAddress: c.ReplyToAddress,
  };
}

/** ApiCampaignSend out (the gateway's recipients/refreshedSegments extension stays on REST). */
export function sendOut(x: CampaignSend): Rec {
  return {
    Id: x.id,
    CampaignId: x.campaignId,
    AddressBookIds: x.addressBookIds,
    ContactIds: x.contactIds,
    SendDate: x.sendDate,
    SplitTestOptions: null,
    Status: x.status,
  };
}

/** ApiCampaignSend in; `split` when SplitTestOptions has a test percentage (a split-test send, issue #21). */
export function sendIn(v: unknown): SendInput & { split?: { metric: unknown; percentage: unknown; periodHours: unknown } } {
  const x = obj(v);
  const o = x.SplitTestOptions ? obj(x.SplitTestOptions) : undefined;
  const input = { campaignId: x.CampaignId, addressBookIds: x.AddressBookIds ?? [], contactIds: x.ContactIds ?? [], sendDate: x.SendDate };
  // why: .NET proxies send an empty ApiSplitTestSendOptions (percentage 0) for an ordinary send.
  if (o && typeof o.TestPercentage === 'number' && o.TestPercentage !== 0) {
    return { ...input, split: { metric: o.TestMetric, percentage: o.TestPercentage, periodHours: o.TestPeriodHours } };
  }
  return input;
}

function importData(v: unknown): Buffer {
  if (!Buffer.isBuffer(v)) throw new DomainError('PARAMETER_INVALID', 'data must hold the base64-encoded file.');
  return v;
}

/** Every served v2 operation, mapped onto the shared services. */
export function v2Handlers(s: TransportServices): Record<string, SoapHandler<Actor>> {
  type C = SoapCall<Actor>;
  const acc = (c: C) => c.actor.accountId;
  const list = (a: Decoded) => ({ select: a.select, skip: a.skip, withFullData: a.withFullData as boolean | undefined });
  const page = (a: Decoded) => ({ select: a.select, skip: a.skip });
  const resubRef = (a: Decoded) => refIn(obj(a.apiContactResubscription).UnsubscribedContact);
  return {
    GetContactById: async (c) => contactOut(await s.contacts.get(acc(c), c.args.id)),
    GetContactByEmail: async (c) => contactOut(await s.contacts.getByEmail(acc(c), c.args.email)),
    CreateContact: async (c) => contactOut(await s.contacts.create(acc(c), contactIn(c.args.apiContact))),
    UpdateContact: async (c) => contactOut(await s.contacts.update(acc(c), obj(c.args.apiContact).Id, contactIn(c.args.apiContact))),
    DeleteContact: async (c) => s.contacts.delete(acc(c), c.args.id),
    GetContacts: async (c) => (await s.contacts.list(acc(c), list(c.args))).map(contactOut),
    GetModifiedContacts: async (c) => (await s.contacts.listModifiedSince(acc(c), c.args.startDate, list(c.args))).map(contactOut),
    GetNewContacts: async (c) => (await s.contacts.listCreatedSince(acc(c), c.args.startDate, list(c.args))).map(contactOut),
    GetSuppressedContacts: async (c) => (await s.contacts.listSuppressed(acc(c), c.args.startDate, page(c.args))).map(suppressionOut),
    GetUnsubscribedContacts: async (c) => (await s.contacts.listUnsubscribed(acc(c), c.args.startDate, page(c.args))).map(suppressionOut),
    UnsubscribeContact: async (c) => {
      await s.contacts.unsubscribe(acc(c), refIn(c.args.apiContact));
    },
    ResubscribeContact: async (c) => (await s.contacts.resubscribe(acc(c), resubRef(c.args))).result,

    GetAddressBooks: async (c) => (await s.addressBooks.list(acc(c), page(c.args))).map(bookOut),
    CreateAddressBook: async (c) => {
      const b = obj(c.args.apiAddressBook);
      return bookOut(await s.addressBooks.create(acc(c), { name: b.Name, visibility: b.Visibility }));
    },
    UpdateAddressBook: async (c) => {
      const b = obj(c.args.apiAddressBook);
      return bookOut(await s.addressBooks.update(acc(c), b.Id, { name: b.Name, visibility: b.Visibility }));
    },
    DeleteAddressBook: async (c) => s.addressBooks.delete(acc(c), c.args.id),
    GetContactsInAddressBook: async (c) => (await s.addressBooks.listContacts(acc(c), c.args.addressBookId, list(c.args))).map(contactOut),
    GetAddressBookContactCount: async (c) => s.addressBooks.count(acc(c), c.args.id),
    AddContactToAddressBook: async (c) => contactOut(await s.addressBooks.addContact(acc(c), c.args.addressBookId, contactIn(c.args.apiContact))),
    DeleteContactFromAddressBook: async (c) => s.addressBooks.removeContact(acc(c), c.args.addressBookId, { id: c.args.contactId }),
    DeleteAllContactsFromAddressBook: async (c) => {
      await s.addressBooks.removeAll(acc(c), c.args.addressBookId);
    },
    UnsubscribeContactFromAddressBook: async (c) => {
      await s.addressBooks.unsubscribeContact(acc(c), c.args.addressBookId, refIn(c.args.apiContact));
    },
    ResubscribeContactToAddressBook: async (c) => (await s.addressBooks.resubscribeContact(acc(c), c.args.addressBookId, resubRef(c.args))).result,
    GetModifiedContactsInAddressBook: async (c) =>
      (await s.addressBooks.listModifiedContacts(acc(c), c.args.addressBookId, c.args.startDate, list(c.args))).map(contactOut),
    GetUnsubscribedContactsInAddressBook: async (c) =>
      (await s.addressBooks.listUnsubscribed(acc(c), c.args.addressBookId, c.args.startDate, page(c.args))).map(suppressionOut),
    GetAddressBooksForContact: async (c) => (await s.addressBooks.booksForContact(acc(c), c.args.contactId, page(c.args))).map(bookOut),

    ImportContacts: async (c) =>
      importOut(await s.imports.start(acc(c), { data: importData(c.args.data), dataType: c.args.dataType as string | undefined, dialect: 'v2' })),
    ImportContactsToAddressBook: async (c) =>
      importOut(
        await s.imports.start(acc(c), {
          addressBookId: c.args.addressBookId,
          data: importData(c.args.data),
          dataType: c.args.dataType as string | undefined,
          dialect: 'v2',
        }),
      ),
    GetContactImportProgress: async (c) => importOut(await s.imports.status(acc(c), c.args.importId)),
    GetContactImportReport: async (c) => reportOut(await s.imports.report(acc(c), c.args.importId)),
    GetContactImportReportFaults: async (c) => s.imports.faultsCsv(acc(c), c.args.importId),

    GetCampaignById: async (c) => campaignOut(await s.campaigns.get(acc(c), c.args.id)),
    GetCampaigns: async (c) => (await s.campaigns.list(acc(c), page(c.args))).map(campaignOut),
    CreateCampaign: async (c) => campaignOut(await s.campaigns.create(acc(c), campaignIn(c.args.apiCampaign))),
    UpdateCampaign: async (c) => campaignOut(await s.campaigns.update(acc(c), obj(c.args.apiCampaign).Id, campaignIn(c.args.apiCampaign))),
    SendCampaign: async (c) => {
      const { split, ...input } = sendIn(c.args.apiCampaignSend);
      return sendOut(split ? await s.splitTests.send(acc(c), { ...input, ...split }) : await s.sends.send(acc(c), input));
    },
    GetCampaignSendProgress: async (c) => sendOut(await s.sends.get(acc(c), c.args.sendId)),

    GetDataFields: async (c) => (await s.dataFields.list(acc(c))).map(fieldOut),
    CreateDataField: async (c) => {
      const f = obj(c.args.dataField);
      return fieldOut(await s.dataFields.create(acc(c), { name: f.Name, type: f.Type, visibility: f.Visibility, defaultValue: f.DefaultValue }));
    },
    DeleteDataField: async (c) => dependencyOut(await s.dataFields.delete(acc(c), c.args.fieldName)),

    GetCurrentAccountInfo: async (c) => accountOut(await s.accounts.get(acc(c)), c.actor.username, requestBase(c.req), s.usage.remaining(acc(c))),
    GetServerTime: async () => s.clock.now(),

    GetSegments: async (c) => (await s.segments.list(acc(c), page(c.args))).map(segmentOut),
    RefreshSegment: async (c) => refreshOut(await s.segments.requestRefresh(acc(c), c.args.segmentId)),
    GetSegmentRefreshProgress: async (c) => refreshOut(await s.segments.refreshStatus(acc(c), c.args.refreshId)),
    ...v2ReportHandlers(s),
    ...v2TransactionalDataHandlers(s),
    ...v2TemplateHandlers(s),
    ...v2SendersHandlers(s),
    ...v2FileHandlers(s),
  };
}
