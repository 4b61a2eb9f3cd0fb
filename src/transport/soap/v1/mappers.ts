import { ContactActivitySummary } from '../../../domain/activity';
import { Campaign } from '../../../domain/campaign';
import { CampaignInput } from '../../../services/campaigns';
import { AddressBook } from '../../../domain/addressBook';
import { DataField, FieldValue } from '../../../domain/dataField';
import { ContactStatus, DataType, ImportStatus, ResubscribeResult } from '../../../domain/enums';
import { DomainError } from '../../../domain/errors';
import { ImportReport } from '../../../domain/importReport';
import { AccountSummary } from '../../../services/accounts';
import { ContactInput, ContactRef, ContactView, Suppression } from '../../../services/contacts';
import { DependencyResult } from '../../../services/dataFields';
import { AnyValue } from '../shared/xsd';

// v1 (ASMX) wire names live only here: the service speaks canonical values, this file speaks APIContact & co.

/** A decoded v1 complex value (element name -> value), as the SOAP framework hands it over. */
export type Wire = Record<string, unknown>;

/** v1 `ContactStatuses` (2011 WSDL), in schema order. */
export const V1_CONTACT_STATUSES = [
  'Subscribed',
  'UnSubscribed',
  'SoftBounced',
  'HardBounced',
  'ISPComplained',
  'MailBlocked',
  'PendingOptIn',
  'DirectComplaint',
  'SpamTrap',
  'Deleted',
  'BlockedLocalPart',
  'SharedSuppression',
  'SharedSuppressionCreation',
  'SharedDomainSuppression',
  'DomainSuppression',
  'NoMXRecord',
] as const;

/** The later-era result enum of GetContactStatusByEmail (ASMX help page), in its order. */
export const V1_CONTACT_STATUS_BY_EMAIL = [
  'Subscribed',
  'UnSubscribed',
  'SoftBounced',
  'HardBounced',
  'ISPComplained',
  'MailBlocked',
  'PendingOptIn',
  'DirectComplaint',
  'SpamTrap',
  'Deleted',
  'Suppressed',
  'SharedSuppression',
  'DomainSuppression',
  'NoMXRecord',
  'NotAllowed',
  'Other',
] as const;

/** v1 `ImportStatus`, in schema order (v2 adds Failed and ExceedsAllowedContactLimit). */
export const V1_IMPORT_STATUSES = ['Finished', 'NotFinished', 'RejectedByWatchdog', 'InvalidFileFormat', 'Unknown'] as const;

// why: v1 spells three statuses differently from v2 (UnSubscribed, ISPComplained, NoMXRecord).
const SPELLING: Partial<Record<ContactStatus, string>> = {
  Unsubscribed: 'UnSubscribed',
  IspComplained: 'ISPComplained',
  NoMxRecord: 'NoMXRecord',
};

/**
 * A canonical status as the 2011 `ContactStatuses` enum spells it. Two canonical statuses have no v1 member and go
 * to the nearest one: `Suppressed` (suppressed by the account holder) -> `Deleted`, `NotAllowed` (an address the
 * platform refuses, such as a blocked role mailbox) -> `BlockedLocalPart`.
 */
export function statusToV1(s: ContactStatus): (typeof V1_CONTACT_STATUSES)[number] {
  if (s === 'Suppressed') return 'Deleted';
  if (s === 'NotAllowed') return 'BlockedLocalPart';
  return (SPELLING[s] ?? s) as (typeof V1_CONTACT_STATUSES)[number];
}

/** A canonical status as GetContactStatusByEmail spells it (that later enum has Suppressed and NotAllowed). */
export function statusByEmailToV1(s: ContactStatus): (typeof V1_CONTACT_STATUS_BY_EMAIL)[number] {
  return (SPELLING[s] ?? s) as (typeof V1_CONTACT_STATUS_BY_EMAIL)[number];
}

/** A v1 status spelling back to the canonical one; undefined for v1-only members (SpamTrap, BlockedLocalPart, ...). */
export function statusFromV1(s: string): ContactStatus | undefined {
  for (const [canon, v1] of Object.entries(SPELLING)) if (v1 === s) return canon as ContactStatus;
  const same: readonly string[] = [
    'Subscribed',
    'SoftBounced',
    'HardBounced',
    'MailBlocked',
    'PendingOptIn',
    'DirectComplaint',
    'Deleted',
    'SharedSuppression',
    'DomainSuppression',
    'Suppressed',
    'NotAllowed',
  ];
  return same.includes(s) ? (s as ContactStatus) : undefined;
}

/**
 * A canonical import status as v1's five-value `ImportStatus`. v1 has no `Failed` or `ExceedsAllowedContactLimit`:
 * `ExceedsAllowedContactLimit` (the import was refused before it ran) -> `RejectedByWatchdog`, `Failed` (stopped by
 * an error) -> `Unknown`. Neither maps to `NotFinished`, so a client polling until "not NotFinished" stops.
 */
export function importStatusToV1(s: ImportStatus): (typeof V1_IMPORT_STATUSES)[number] {
  if (s === 'ExceedsAllowedContactLimit') return 'RejectedByWatchdog';
  if (s === 'Failed') return 'Unknown';
  return s;
}

/** The resubscribe outcome (v1 spells it like the service). */
export function resubscribeToV1(r: ResubscribeResult): string {
  return r;
}

/** True for the v1 "new contact" ids: -1 (documented), 0 (what a .NET proxy sends when ID is never set) or none. */
export function isNewId(id: unknown): boolean {
  return id === undefined || id === null || id === -1 || id === 0;
}

/** `ContactDataFields` (parallel `Keys`/`Values` arrays) as a name -> raw value record. */
export function dataFieldsIn(df: unknown): Record<string, unknown> | undefined {
  if (df === undefined || df === null) return undefined;
  const w = df as Wire;
  const keys = (w.Keys ?? []) as unknown[];
  const values = (w.Values ?? []) as unknown[];
  // why: the arrays are matched by index; a length mismatch means the caller's data is misaligned, not partial.
  if (keys.length !== values.length) {
    throw new DomainError('PARAMETER_INVALID', `DataFields has ${keys.length} Keys but ${values.length} Values; they must pair up.`);
  }
  const out: Record<string, unknown> = Object.create(null);
  keys.forEach((k, i) => {
    if (typeof k !== 'string' || k.trim() === '') throw new DomainError('PARAMETER_INVALID', `DataFields key ${i + 1} is empty.`);
    out[k] = values[i];
  });
  return out;
}

/** `APIContact` in, as the shared service's ContactInput (ID -1/0 means a new contact). */
export function contactIn(c: unknown): ContactInput {
  if (c === undefined || c === null) throw new DomainError('CONTACT_INVALID', 'The contact is missing.');
  const w = c as Wire;
  return {
    id: isNewId(w.ID) ? undefined : w.ID,
    email: w.Email,
    audienceType: w.AudienceType,
    optInType: w.OptInType,
    emailType: w.EmailType,
    notes: w.Notes,
    dataFields: dataFieldsIn(w.DataFields),
  };
}

/** `APIContact` in, as a reference to an existing contact (by ID when positive, else by Email). */
export function contactRefIn(c: unknown): ContactRef {
  if (c === undefined || c === null) throw new DomainError('CONTACT_NOT_FOUND', 'The contact is missing.');
  const w = c as Wire;
  return { id: isNewId(w.ID) ? undefined : w.ID, email: w.Email };
}

/** One data-field value as a typed anyType (xsi:type from the field's type; null stays nil). */
export function anyValueOut(f: Pick<FieldValue, 'value' | 'type'>): AnyValue {
  return { xsdType: XSD_OF[f.type], value: f.value };
}

const XSD_OF: Record<DataType, AnyValue['xsdType']> = { String: 'string', Numeric: 'decimal', Date: 'dateTime', Boolean: 'boolean' };

/** `APIContact` out; `DataFields` only when the view carries them (full-data calls). */
export function contactOut(c: ContactView): Wire {
  return {
    ID: c.id,
    Email: c.email,
    AudienceType: c.audienceType,
    DataFields: c.fields ? { Keys: c.fields.map((f) => f.key), Values: c.fields.map(anyValueOut) } : undefined,
    OptInType: c.optInType,
    EmailType: c.emailType,
    Notes: c.notes ?? undefined,
  };
}

/** `APIContactSuppressionSummary` out. */
export function suppressionOut(s: Suppression): Wire {
  return { DateRemoved: s.dateRemoved, SuppressedContact: contactOut(s.contact), Reason: statusToV1(s.reason) };
}

/** `APIAddressBook` out. */
export function bookOut(b: AddressBook): Wire {
  return { ID: b.id, Name: b.name };
}

/** `APIAddressBook` in, for CreateAddressBook (ID is ignored: v1 clients send -1 for a new book). */
export function bookIn(b: unknown): { name: unknown } {
  if (b === undefined || b === null) throw new DomainError('ADDRESSBOOK_INVALID', 'The address book is missing.');
  return { name: (b as Wire).Name };
}

/** `ContactDataLabel` out (IsPrivate from the field's visibility). */
export function dataLabelOut(f: DataField): Wire {
  return { Name: f.name, Type: f.type, IsPrivate: f.visibility === 'Private' };
}

/** `APIDependencyResult` out. */
export function dependencyOut(d: DependencyResult): Wire {
  return { Dependencies: d.dependencies.map((x) => ({ Type: x.type, ObjectID: x.objectId })), Result: d.result };
}

/** `APIImportReport` out (note v1's `ISPComplaints`, v2's `IspComplaints`). */
export function importReportOut(r: ImportReport): Wire {
  return {
    NewContacts: r.newContacts,
    UpdatedContacts: r.updatedContacts,
    GloballySuppressed: r.globallySuppressed,
    InvalidEntries: r.invalidEntries,
    DuplicateEmails: r.duplicateEmails,
    Blocked: r.blocked,
    Unsubscribed: r.unsubscribed,
    HardBounced: r.hardBounced,
    SoftBounced: r.softBounced,
    ISPComplaints: r.ispComplaints,
    MailBlocked: r.mailBlocked,
    DomainSuppressed: r.domainSuppressed,
    PendingDoubleOptin: r.pendingDoubleOptin,
    Failures: r.failures,
  };
}

/** GetCurrentAccountInfo's result `{Id, Properties: APIAccountProperty[]}`. */
export function accountOut(a: AccountSummary, username: string, endpoint: string): Wire {
  const props: Array<[string, string, string]> = [
    ['Name', 'String', a.name],
    ['MainEmail', 'String', username],
    ['ApiEndpoint', 'String', endpoint],
  ];
  return { Id: a.id, Properties: props.map(([Name, Type, Value]) => ({ Name, Type, Value })) };
}

/** APICampaign out (alphabetical members; v1 has no from address). */
export function campaignOut(c: Campaign): Wire {
  return {
    FromName: c.fromName,
    HTMLContent: c.htmlContent,
    Id: c.id,
    Name: c.name,
    PlaintextContent: c.plainTextContent,
    ReplyAction: c.replyAction,
    ReplyToAddress: c.replyToAddress,
    Status: c.status,
    Subject: c.subject,
  };
}

/** APICampaign in, as the shared service's input. */
export function campaignIn(v: unknown): CampaignInput {
  const w = (v && typeof v === 'object' ? v : {}) as Wire;
  return {
    name: w.Name,
    subject: w.Subject,
    fromName: w.FromName,
    htmlContent: w.HTMLContent,
    plainTextContent: w.PlaintextContent,
    replyAction: w.ReplyAction,
    replyToAddress: w.ReplyToAddress,
  };
}

// why: the ASMX type has required dateTime members; .NET serialised an unset DateTime as 0001-01-01T00:00:00.
export const NO_DATE = Date.parse('0001-01-01T00:00:00Z');

/** APICampaignContactSummary out (what the gateway does not track is zero / false / absent). */
export function activitySummaryOut(a: ContactActivitySummary): Wire {
  return {
    Email: a.email,
    NumOpens: a.numOpens,
    NumClicks: a.numClicks,
    Unsubscribed: a.unsubscribed,
    NumViews: a.numPageViews,
    // why: estimated forwards come from the vendor's open-tracking heuristics, which a delivery platform does not post.
    NumEstimatedForwards: 0,
    NumForwardToFriend: a.numForwards,
    NumReplies: a.numReplies,
    ContactId: a.contactId,
    DateFirstOpened: a.dateFirstOpened ?? NO_DATE,
    DateLastOpened: a.dateLastOpened ?? NO_DATE,
    DateSent: a.dateSent ?? NO_DATE,
    SoftBounced: a.softBounced,
    HardBounced: a.hardBounced,
  };
}
