import { complex, enumType, Field, Operation, ServiceDescriptor, SimpleType, xs, XsdType } from '../shared/xsd';
import { v1ReportOperations } from './reportSchema';
import { v1SendersOperations } from './sendersSchema';
import { v1SplitTestOperations } from './splitTestSchema';
import { V1_CONTACT_STATUSES, V1_CONTACT_STATUS_BY_EMAIL, V1_IMPORT_STATUSES } from './mappers';

// The v1 (ASMX) contract, described once: the WSDL, request decoding and response encoding all come from here.
// why: element names are case-sensitive exactly as the vendor spelled them (addressbookId, addressBookID, progressID,
// ...); PHP SoapClient silently drops parameters whose names differ, so every spelling below is load-bearing.

/** Namespace of every v1 element and type. */
export const V1_NS = 'http://apiconnector.com';
/** Namespace of the ASMX guid type. */
export const GUID_NS = 'http://microsoft.com/wsdl/types/';

const N = V1_NS;

/** s1:guid (a string restricted to the 8-4-4-4-12 pattern). */
export const guid: SimpleType = {
  kind: 'simple',
  q: { ns: GUID_NS, name: 'guid' },
  prim: 'guid',
  pattern: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
};

/** v1 enumerations, spelled as the WSDL spells them. */
export const enums = {
  audience: enumType(N, 'ContactAudienceTypes', ['Unknown', 'B2C', 'B2B', 'B2M']),
  optIn: enumType(N, 'ContactOptInTypes', ['Unknown', 'Single', 'Double', 'VerifiedDouble']),
  emailType: enumType(N, 'ContactEmailTypes', ['PlainText', 'Html']),
  statuses: enumType(N, 'ContactStatuses', V1_CONTACT_STATUSES),
  dataTypes: enumType(N, 'ContactDataTypes', ['String', 'Numeric', 'Date', 'Boolean']),
  importDataType: enumType(N, 'ImportDataType', ['CSV', 'XLS']),
  importStatus: enumType(N, 'ImportStatus', V1_IMPORT_STATUSES),
  sendProgress: enumType(N, 'SendProgress', ['NotSent', 'Scheduled', 'Sending', 'Sent', 'Cancelled']),
  replyActions: enumType(N, 'ReplyActions', ['Unset', 'WebMailForward', 'Webmail', 'Delete']),
  campaignStatus: enumType(N, 'CampaignStatus', ['NotSet', 'Unsent', 'Sending', 'Sent', 'Paused', 'Cancelled', 'RequiresApproval', 'RequiresSMSApproval', 'Triggered']),
  businessObject: enumType(N, 'BusinessObjectType', [
    'Campaign',
    'Survey',
    'MicrositePage',
    'DynamicContent',
    'ContactLabel',
    'SurveyQuestion',
    'AddressBook',
    'DynamicContentRule',
    'CampaignLink',
    'CampaignTemplate',
  ]),
  // Later-era (not in the 2011 WSDL; names of these two types are ours, members from the ASMX help pages).
  resubscribe: enumType(N, 'ResubscribeResult', ['ContactAdded', 'ContactChallenged', 'ContactCannotBeUnsuppressed']),
  statusByEmail: enumType(N, 'ContactStatus', V1_CONTACT_STATUS_BY_EMAIL),
};

// ASMX field conventions: reference types (string, complex) are minOccurs="0"; value types (int, bool, enum,
// dateTime, guid) are required; array items are minOccurs="0" maxOccurs="unbounded", nillable unless value types.
const opt = (name: string, type: XsdType): Field => ({ name, type, optional: true });
const req = (name: string, type: XsdType): Field => ({ name, type });
const items = (name: string, type: XsdType, nillable = true): Field => ({ name, type, optional: true, many: true, nillable });

/** ArrayOfString. */
export const ArrayOfString = complex(N, 'ArrayOfString', [items('string', xs.string)]);
/** ArrayOfAnyType: untyped `<anyType>` items, with or without xsi:type. */
export const ArrayOfAnyType = complex(N, 'ArrayOfAnyType', [{ ...items('anyType', xs.anyType), untyped: true }]);
/** ContactDataFields: parallel Keys / Values. */
export const ContactDataFields = complex(N, 'ContactDataFields', [opt('Keys', ArrayOfString), opt('Values', ArrayOfAnyType)]);
/** APIContact. */
export const APIContact = complex(N, 'APIContact', [
  req('ID', xs.int),
  opt('Email', xs.string),
  req('AudienceType', enums.audience),
  opt('DataFields', ContactDataFields),
  req('OptInType', enums.optIn),
  req('EmailType', enums.emailType),
  opt('Notes', xs.string),
]);
/** ArrayOfAPIContact. */
export const ArrayOfAPIContact = complex(N, 'ArrayOfAPIContact', [items('APIContact', APIContact)]);
/** APIContactSuppressionSummary. */
export const APIContactSuppressionSummary = complex(N, 'APIContactSuppressionSummary', [
  req('DateRemoved', xs.dateTime),
  opt('SuppressedContact', APIContact),
  req('Reason', enums.statuses),
]);
/** ArrayOfAPIContactSuppressionSummary. */
export const ArrayOfAPIContactSuppressionSummary = complex(N, 'ArrayOfAPIContactSuppressionSummary', [
  items('APIContactSuppressionSummary', APIContactSuppressionSummary),
]);
/** APIAddressBook. */
export const APIAddressBook = complex(N, 'APIAddressBook', [req('ID', xs.int), opt('Name', xs.string)]);
/** ArrayOfAPIAddressBook. */
export const ArrayOfAPIAddressBook = complex(N, 'ArrayOfAPIAddressBook', [items('APIAddressBook', APIAddressBook)]);
/** APIImportReport member names in schema order (v1 spells `ISPComplaints`). */
export const V1_REPORT_FIELDS = [
  'NewContacts',
  'UpdatedContacts',
  'GloballySuppressed',
  'InvalidEntries',
  'DuplicateEmails',
  'Blocked',
  'Unsubscribed',
  'HardBounced',
  'SoftBounced',
  'ISPComplaints',
  'MailBlocked',
  'DomainSuppressed',
  'PendingDoubleOptin',
  'Failures',
] as const;
/** APIImportReport. */
export const APIImportReport = complex(
  N,
  'APIImportReport',
  V1_REPORT_FIELDS.map((n) => req(n, xs.int)),
);
/** ContactDataLabel. */
export const ContactDataLabel = complex(N, 'ContactDataLabel', [opt('Name', xs.string), req('Type', enums.dataTypes), req('IsPrivate', xs.boolean)]);
/** ArrayOfContactDataLabel. */
export const ArrayOfContactDataLabel = complex(N, 'ArrayOfContactDataLabel', [items('ContactDataLabel', ContactDataLabel)]);
/** APIDependency. */
export const APIDependency = complex(N, 'APIDependency', [req('Type', enums.businessObject), req('ObjectID', xs.int)]);
/** APIDependencyResult. */
export const APIDependencyResult = complex(N, 'APIDependencyResult', [
  opt('Dependencies', complex(N, 'ArrayOfAPIDependency', [items('APIDependency', APIDependency)])),
  req('Result', xs.boolean),
]);
/** APIAccountProperty (later era). */
export const APIAccountProperty = complex(N, 'APIAccountProperty', [opt('Name', xs.string), opt('Type', xs.string), opt('Value', xs.string)]);
/** APIAccount: GetCurrentAccountInfo's result (later era). */
export const APIAccount = complex(N, 'APIAccount', [
  req('Id', xs.int),
  opt('Properties', complex(N, 'ArrayOfAPIAccountProperty', [items('APIAccountProperty', APIAccountProperty)])),
]);

/** APICampaign (members in alphabetical order, as the ASMX schema has them). */
export const APICampaign = complex(N, 'APICampaign', [
  opt('FromName', xs.string),
  opt('HTMLContent', xs.string),
  req('Id', xs.int),
  opt('Name', xs.string),
  opt('PlaintextContent', xs.string),
  req('ReplyAction', enums.replyActions),
  opt('ReplyToAddress', xs.string),
  opt('Status', enums.campaignStatus),
  opt('Subject', xs.string),
]);
/** ArrayOfAPICampaign. */
export const ArrayOfAPICampaign = complex(N, 'ArrayOfAPICampaign', [items('APICampaign', APICampaign)]);
/** APICampaignContactSummary (per-contact activity of a campaign; member order as in the ASMX schema). */
export const APICampaignContactSummary = complex(N, 'APICampaignContactSummary', [
  opt('Email', xs.string),
  req('NumOpens', xs.int),
  req('NumClicks', xs.int),
  req('Unsubscribed', xs.boolean),
  req('NumViews', xs.int),
  req('NumEstimatedForwards', xs.int),
  req('NumForwardToFriend', xs.int),
  req('NumReplies', xs.int),
  req('ContactId', xs.int),
  req('DateFirstOpened', xs.dateTime),
  req('DateLastOpened', xs.dateTime),
  req('DateSent', xs.dateTime),
  opt('FirstOpenIp', xs.string),
  opt('FirstOpenUserAgent', xs.string),
  req('SoftBounced', xs.boolean),
  req('HardBounced', xs.boolean),
]);
/** ArrayOfAPICampaignContactSummary. */
export const ArrayOfAPICampaignContactSummary = complex(N, 'ArrayOfAPICampaignContactSummary', [items('APICampaignContactSummary', APICampaignContactSummary)]);
/** ArrayOfInt (`<int>` items). */
export const ArrayOfInt = complex(N, 'ArrayOfInt', [items('int', xs.int, false)]);

const U: Field[] = [opt('username', xs.string), opt('password', xs.string)];
const p = {
  contact: opt('contact', APIContact),
  select: req('select', xs.int),
  skip: req('skip', xs.int),
  startDate: req('startDate', xs.dateTime),
  endDate: req('endDate', xs.dateTime),
  progressID: req('progressID', guid),
  prevent: req('preventAddressbookResubscribe', xs.boolean),
  total: req('totalUnsubscribe', xs.boolean),
  importArgs: [req('addressbookID', xs.int), opt('data', xs.base64Binary), req('dataType', enums.importDataType)],
};

const op = (name: string, input: Field[], result?: Field, auth = true): Operation => ({
  name,
  input: auth ? [...U, ...input] : input,
  result: result ? { ...result, name: `${name}Result` } : undefined,
});
const res = (type: XsdType, optional = true): Field => ({ name: '', type, optional });

/** The operations served on /api.asmx, in the vendor WSDL's order, then the later-era ones. */
export const V1_OPERATIONS: readonly Operation[] = [
  op('ListContactsInAddressBook', [req('addressBookId', xs.int), p.select, p.skip], res(ArrayOfAPIContact)),
  op('ListContactsInAddressBookWithFullData', [req('addressBookId', xs.int), p.select, p.skip], res(ArrayOfAPIContact)),
  op('ListModifiedContacts', [p.startDate, p.endDate], res(ArrayOfAPIContact)),
  op('ListUnsubscribersAddressBook', [p.startDate, req('addressBookID', xs.int), p.select, p.skip], res(ArrayOfAPIContact)),
  op('ListModifiedContacts2', [p.startDate, p.select, p.skip], res(ArrayOfAPIContact)),
  op('ListNewContacts', [p.startDate, p.select, p.skip], res(ArrayOfAPIContact)),
  op('ListModifiedContactsInAddressBook', [p.startDate, p.endDate, req('addressBookID', xs.int)], res(ArrayOfAPIContact)),
  op('ListModifiedContactsInAddressBook2', [req('addressBookID', xs.int), req('sinceDate', xs.dateTime), p.select, p.skip], res(ArrayOfAPIContact)),
  op('ListUnsubscribers', [p.startDate], res(ArrayOfAPIContact)),
  op('ListSuppressedContacts', [p.startDate, p.select, p.skip], res(ArrayOfAPIContactSuppressionSummary)),
  op('CreateContact', [p.contact], res(APIContact)),
  op('CreateDataField', [opt('fieldname', xs.string), req('datatype', enums.dataTypes), { ...opt('defaultValue', xs.anyType), untyped: true }]),
  op('DeleteDataField', [opt('fieldname', xs.string)], res(APIDependencyResult)),
  op('UpdateContact', [p.contact]),
  op('AddContactToAddressBook', [p.contact, req('addressbookId', xs.int)], res(APIContact)),
  op('RemoveContactFromAddressBook', [p.contact, req('addressBookId', xs.int), p.prevent, p.total]),
  op('RemoveAllContactsFromAddressBook', [req('addressBookId', xs.int), p.prevent, p.total]),
  op('GetContactByEmail', [opt('email', xs.string)], res(APIContact)),
  op('GetContactById', [req('id', xs.int)], res(APIContact)),
  op('AddContactsToAddressBook', p.importArgs),
  op('AddContactsToAddressBookWithProgress', p.importArgs, res(guid, false)),
  op('GetContactImportProgress', [p.progressID], res(enums.importStatus, false)),
  op('GetContactImportReport', [p.progressID], res(APIImportReport)),
  op('GetContactImportReportFaults', [p.progressID], res(xs.base64Binary)),
  op('ListAddressBooks', [], res(ArrayOfAPIAddressBook)),
  op('ListContactDataLabels', [], res(ArrayOfContactDataLabel)),
  op('ListAddressBooksForContact', [p.contact], res(ArrayOfAPIAddressBook)),
  op('CreateAddressBook', [opt('book', APIAddressBook)], res(APIAddressBook)),
  op('DeleteAddressBook', [req('addressbookid', xs.int)]),
  op('GetAddressBookContactCount', [req('addressbookid', xs.int)], res(xs.int, false)),
  op('GetServerTime', [], res(xs.dateTime, false), false),
  op('GetCampaignSendProgress', [p.progressID], res(enums.sendProgress, false)),
  op('ListCampaignActivities', [req('campaignId', xs.int), p.select, p.skip], res(ArrayOfAPICampaignContactSummary)),
  op('ListCampaigns', [], res(ArrayOfAPICampaign)),
  op('GetCampaign', [req('campaignId', xs.int)], res(APICampaign)),
  op('SendCampaignToAddressBooks', [req('campaignId', xs.int), opt('addressBookIds', ArrayOfInt), req('sendDate', xs.dateTime)]),
  op('SendCampaignToAddressBooksWithProgress', [req('campaignId', xs.int), opt('addressBookIds', ArrayOfInt), req('sendDate', xs.dateTime)], res(guid, false)),
  op('SendCampaignToContact', [req('campaignId', xs.int), req('contactid', xs.int), req('sendDate', xs.dateTime)]),
  op('CreateCampaign', [opt('campaign', APICampaign)], res(APICampaign)),
  op('UpdateCampaign', [opt('campaign', APICampaign)]),
  // Campaign reporting (issue #20), from the same 2011 WSDL.
  ...v1ReportOperations({ APIContact, APIAddressBook, APICampaign, APICampaignContactSummary, ArrayOfString, op, res }),
  // Custom from addresses and single SMS messages (issue #21), from the same 2011 WSDL.
  ...v1SendersOperations({ op, res }),
  ...v1SplitTestOperations({ op, res, ArrayOfInt, guid }),
  // Later era (CONTRACT 1.2, from the ASMX help pages).
  op(
    'ResubscribeContact',
    [p.contact, req('addressBookId', xs.int), opt('preferredLocale', xs.string), opt('returnUrlToUseIfChallenged', xs.string)],
    res(enums.resubscribe, false),
  ),
  op('GetContactStatusByEmail', [opt('email', xs.string)], res(enums.statusByEmail, false)),
  op('GetCurrentAccountInfo', [], res(APIAccount)),
];

/** Served operations that are not in the 2011 vendor WSDL (checked against CONTRACT 1.2 instead). */
export const V1_LATER_OPERATIONS: ReadonlySet<string> = new Set(['ResubscribeContact', 'GetContactStatusByEmail', 'GetCurrentAccountInfo']);

/** The v1 service descriptor: service API, ports APISoap (1.1) and APISoap12 (1.2). */
export const V1_SERVICE: ServiceDescriptor = {
  tns: V1_NS,
  serviceName: 'API',
  portTypeName: 'APISoap',
  binding11: { binding: 'APISoap', port: 'APISoap' },
  binding12: { binding: 'APISoap12', port: 'APISoap12' },
  soapAction: (name) => `${V1_NS}/${name}`,
  prefixes: { [V1_NS]: '', [GUID_NS]: 's1' },
  operations: V1_OPERATIONS,
  documentation:
    'contactgate: the dotmailer API v1 (ASMX) surface. Send username and password in every call except GetServerTime. ' +
    'All datetimes are taken and returned in UTC. AddContactsToAddressBook and AddContactsToAddressBookWithProgress are bulk: ' +
    'segments refresh later; single writes refresh them at once.',
};
