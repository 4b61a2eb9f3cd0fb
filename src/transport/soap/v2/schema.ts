import { REPLY_TYPES, ROI_DATA_TYPES } from '../../../domain/activity';
import { CONTACT_STATUSES, DATA_TYPES, EMAIL_TYPES, OPT_IN_TYPES, VISIBILITIES } from '../../../domain/enums';
import { v2FileOperations } from './filesSchema';
import { arrayOf, complex, enumType, Field, Operation, ServiceDescriptor, SimpleType, xs, XsdType } from '../shared/xsd';
import { v2TransactionalDataOperations } from './transactionalDataSchema';
import { v2TemplateOperations } from './templatesSchema';
import { v2SendersOperations } from './sendersSchema';
import { v2CampaignCopyOperations } from './campaignCopySchema';

// The v2 (WCF) contract, described once: the WSDL, request decoding and response encoding all come from here.

/** Namespace of the operation wrappers and the WSDL. */
export const V2_NS = 'http://apiconnector.com/v2';
/** Namespace of the data types. */
export const DATA_NS = 'http://apiconnector.com';
/** Microsoft serialization namespace (guid). */
export const SER_NS = 'http://schemas.microsoft.com/2003/10/Serialization/';
/** Microsoft serialization arrays namespace (ArrayOfint). */
export const ARR_NS = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays';

const D = DATA_NS;
// why: every WCF enum starts with this member; .NET proxies send it when a value was never set.
const NA = 'NotAvailableInThisVersion';

/** ser:guid. */
export const guid: SimpleType = {
  kind: 'simple',
  q: { ns: SER_NS, name: 'guid' },
  prim: 'guid',
  pattern: '[\\da-fA-F]{8}-[\\da-fA-F]{4}-[\\da-fA-F]{4}-[\\da-fA-F]{4}-[\\da-fA-F]{12}',
};

/**
 * v2 enumerations, spelled exactly as the WSDL spells them. why: the ones whose members are the domain's own values (contact
 * statuses, opt-in and email types, data types, visibilities) take them from domain/enums, one list in one place.
 */
export const enums = {
  optIn: enumType(D, 'ApiContactOptInTypes', [NA, ...OPT_IN_TYPES]),
  emailType: enumType(D, 'ApiContactEmailTypes', [NA, ...EMAIL_TYPES]),
  status: enumType(D, 'ApiContactStatuses', [NA, ...CONTACT_STATUSES]),
  bookVisibility: enumType(D, 'ApiAddressBookVisibility', [NA, ...VISIBILITIES]),
  importStatus: enumType(D, 'ApiContactImportStatuses', [
    NA,
    'Finished',
    'NotFinished',
    'RejectedByWatchdog',
    'InvalidFileFormat',
    'ExceedsAllowedContactLimit',
    'Unknown',
    'Failed',
  ]),
  dataType: enumType(D, 'ApiDataTypes', [NA, ...DATA_TYPES]),
  fieldVisibility: enumType(D, 'ApiDataFieldVisibility', [NA, ...VISIBILITIES]),
  resubscribe: enumType(D, 'ApiResubscribeResult', [NA, 'ContactAdded', 'ContactChallenged', 'ContactCannotBeUnsuppressed']),
  businessObject: enumType(D, 'ApiBusinessObjectType', [
    NA,
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
  campaignReplyAction: enumType(D, 'ApiCampaignReplyActions', [NA, 'Unset', 'WebMailForward', 'Webmail', 'Delete']),
  campaignStatus: enumType(D, 'ApiCampaignStatuses', [
    NA,
    'Unsent',
    'Sending',
    'Sent',
    'Paused',
    'Cancelled',
    'RequiresSystemApproval',
    'RequiresSMSApproval',
    'RequiresWorkflowApproval',
    'Triggered',
  ]),
  sendStatus: enumType(D, 'ApiCampaignSendStatuses', [NA, 'NotSent', 'Scheduled', 'Sending', 'Sent', 'Cancelled']),
  splitTestMetric: enumType(D, 'ApiSplitTestMetrics', [NA, 'Opens', 'Clicks']),
  // Our segment extension (CONTRACT §8), same conventions.
  replyType: enumType(D, 'ApiCampaignReplyTypes', [NA, ...REPLY_TYPES]),
  roiDataType: enumType(D, 'ApiRoiDetailDataTypes', [NA, ...ROI_DATA_TYPES]),
  segmentRefreshStatus: enumType(D, 'ApiSegmentRefreshStatuses', [NA, 'NotStarted', 'NotFinished', 'Finished', 'Failed']),
};

const opt = (name: string, type: XsdType, nillable = false): Field => ({ name, type, optional: true, nillable });
const req = (name: string, type: XsdType): Field => ({ name, type, nillable: true });

/** ApiContactData {Key, Value:anyType}. */
export const ApiContactData = complex(D, 'ApiContactData', [opt('Key', xs.string, true), opt('Value', xs.anyType, true)]);
/** ApiContact. */
export const ApiContact = complex(D, 'ApiContact', [
  opt('Id', xs.int),
  opt('Email', xs.string, true),
  opt('OptInType', enums.optIn),
  opt('EmailType', enums.emailType),
  opt('DataFields', arrayOf(D, ApiContactData), true),
  opt('Status', enums.status),
]);
/** ApiAddressBook (Name is required-nillable). */
export const ApiAddressBook = complex(D, 'ApiAddressBook', [opt('Id', xs.int), req('Name', xs.string), opt('Visibility', enums.bookVisibility)]);
/** ApiContactSuppression. */
export const ApiContactSuppression = complex(D, 'ApiContactSuppression', [
  opt('SuppressedContact', ApiContact, true),
  opt('DateRemoved', xs.dateTime),
  opt('Reason', enums.status),
]);
/** ApiContactResubscription (all members required-nillable). */
export const ApiContactResubscription = complex(D, 'ApiContactResubscription', [
  req('UnsubscribedContact', ApiContact),
  req('PreferredLocale', xs.string),
  req('ReturnUrlToUseIfChallenged', xs.string),
]);
/** ApiContactImport. */
export const ApiContactImport = complex(D, 'ApiContactImport', [opt('Id', guid), opt('Status', enums.importStatus)]);
/** Report member names in schema order. */
export const IMPORT_REPORT_FIELDS = [
  'NewContacts',
  'UpdatedContacts',
  'GloballySuppressed',
  'InvalidEntries',
  'DuplicateEmails',
  'Blocked',
  'Unsubscribed',
  'HardBounced',
  'SoftBounced',
  'IspComplaints',
  'MailBlocked',
  'DomainSuppressed',
  'PendingDoubleOptin',
  'Failures',
] as const;
/** ApiContactImportReport. */
export const ApiContactImportReport = complex(
  D,
  'ApiContactImportReport',
  IMPORT_REPORT_FIELDS.map((n) => opt(n, xs.int)),
);
/** ApiDataField (Name is required-nillable). */
export const ApiDataField = complex(D, 'ApiDataField', [
  req('Name', xs.string),
  opt('Type', enums.dataType),
  opt('Visibility', enums.fieldVisibility),
  opt('DefaultValue', xs.anyType, true),
]);
/** ApiDependency. */
export const ApiDependency = complex(D, 'ApiDependency', [opt('Type', enums.businessObject), opt('ObjectId', xs.int)]);
/** ApiDependencyResult. */
export const ApiDependencyResult = complex(D, 'ApiDependencyResult', [opt('Dependencies', arrayOf(D, ApiDependency), true), opt('Result', xs.boolean)]);
/** ApiAccountProperty. */
export const ApiAccountProperty = complex(D, 'ApiAccountProperty', [opt('Name', xs.string, true), opt('Type', xs.string, true), opt('Value', xs.string, true)]);
/** ApiAccount. */
export const ApiAccount = complex(D, 'ApiAccount', [opt('Id', xs.int), opt('Properties', arrayOf(D, ApiAccountProperty), true)]);
/** ApiCampaignFromAddress. */
export const ApiCampaignFromAddress = complex(D, 'ApiCampaignFromAddress', [opt('Id', xs.int), opt('Email', xs.string, true)]);
/** ApiCampaign (Name, Subject, FromName and the two contents are required-nillable). */
export const ApiCampaign = complex(D, 'ApiCampaign', [
  opt('Id', xs.int),
  req('Name', xs.string),
  req('Subject', xs.string),
  req('FromName', xs.string),
  opt('FromAddress', ApiCampaignFromAddress, true),
  req('HtmlContent', xs.string),
  req('PlainTextContent', xs.string),
  opt('ReplyAction', enums.campaignReplyAction),
  opt('ReplyToAddress', xs.string, true),
  opt('IsSplitTest', xs.boolean),
  opt('Status', enums.campaignStatus),
]);
/** ArrayOfint in the Microsoft arrays namespace. */
export const ArrayOfint = arrayOf(ARR_NS, xs.int, 'int', false, 'ArrayOfint');
/** ApiSplitTestSendOptions (all members required). */
export const ApiSplitTestSendOptions = complex(D, 'ApiSplitTestSendOptions', [
  { name: 'TestMetric', type: enums.splitTestMetric },
  { name: 'TestPercentage', type: xs.int },
  { name: 'TestPeriodHours', type: xs.int },
]);
/** ApiCampaignSend (CampaignId is required). */
export const ApiCampaignSend = complex(D, 'ApiCampaignSend', [
  opt('Id', guid),
  { name: 'CampaignId', type: xs.int },
  opt('AddressBookIds', ArrayOfint, true),
  opt('ContactIds', ArrayOfint, true),
  opt('SendDate', xs.dateTime),
  opt('SplitTestOptions', ApiSplitTestSendOptions, true),
  opt('Status', enums.sendStatus),
]);
/** ApiCampaignContactSummary (per-contact activity of a campaign). */
export const ApiCampaignContactSummary = complex(D, 'ApiCampaignContactSummary', [
  opt('ContactId', xs.int),
  opt('Email', xs.string, true),
  opt('NumOpens', xs.int),
  opt('NumPageViews', xs.int),
  opt('NumClicks', xs.int),
  opt('NumForwards', xs.int),
  opt('NumEstimatedForwards', xs.int),
  opt('NumReplies', xs.int),
  opt('DateSent', xs.dateTime),
  opt('DateFirstOpened', xs.dateTime),
  opt('DateLastOpened', xs.dateTime),
  opt('FirstOpenIp', xs.string, true),
  opt('Unsubscribed', xs.boolean),
  opt('SoftBounced', xs.boolean),
  opt('HardBounced', xs.boolean),
]);
/** ApiCampaignContactClick. */
export const ApiCampaignContactClick = complex(D, 'ApiCampaignContactClick', [
  opt('ContactId', xs.int),
  opt('Email', xs.string, true),
  opt('Url', xs.string, true),
  opt('IpAddress', xs.string, true),
  opt('UserAgent', xs.string, true),
  opt('DateClicked', xs.dateTime),
  opt('Keyword', xs.string, true),
]);
/** ApiCampaignContactOpen. */
export const ApiCampaignContactOpen = complex(D, 'ApiCampaignContactOpen', [
  opt('ContactId', xs.int),
  opt('Email', xs.string, true),
  opt('MailClient', xs.string, true),
  opt('MailClientVersion', xs.string, true),
  opt('IpAddress', xs.string, true),
  opt('UserAgent', xs.string, true),
  opt('IsHtml', xs.boolean),
  opt('IsForward', xs.boolean),
  opt('DateOpened', xs.dateTime),
]);
/** ApiCampaignSummary member names in schema order (DateSent first, then ints, then the Percentage doubles). */
export const CAMPAIGN_SUMMARY_FIELDS = [
  'DateSent',
  ...['UniqueOpens', 'UniqueTextOpens', 'TotalUniqueOpens', 'Opens', 'TextOpens', 'TotalOpens', 'Clicks', 'TextClicks', 'TotalClicks'],
  ...['PageViews', 'TotalPageViews', 'TextPageViews', 'Forwards', 'TextForwards', 'EstimatedForwards', 'TextEstimatedForwards'],
  ...['TotalEstimatedForwards', 'Replies', 'TextReplies', 'TotalReplies', 'HardBounces', 'TextHardBounces', 'TotalHardBounces'],
  ...['SoftBounces', 'TextSoftBounces', 'TotalSoftBounces', 'Unsubscribes', 'TextUnsubscribes', 'TotalUnsubscribes', 'IspComplaints'],
  ...['TextIspComplaints', 'TotalIspComplaints', 'MailBlocks', 'TextMailBlocks', 'TotalMailBlocks', 'Sent', 'TextSent', 'TotalSent'],
  ...['RecipientsClicked', 'Delivered', 'TextDelivered', 'TotalDelivered'],
].map((n) => (n === 'DateSent' ? n : `Num${n}`));
/** Percentage members of ApiCampaignSummary, in schema order. */
export const CAMPAIGN_SUMMARY_PERCENTAGES = [
  'PercentageDelivered',
  'PercentageUniqueOpens',
  'PercentageOpens',
  'PercentageUnsubscribes',
  'PercentageReplies',
  'PercentageHardBounces',
  'PercentageSoftBounces',
  'PercentageUsersClicked',
  'PercentageClicksToOpens',
] as const;
/** ApiCampaignSummary. */
export const ApiCampaignSummary = complex(D, 'ApiCampaignSummary', [
  ...CAMPAIGN_SUMMARY_FIELDS.map((n) => opt(n, n === 'DateSent' ? xs.dateTime : xs.int)),
  ...CAMPAIGN_SUMMARY_PERCENTAGES.map((n) => opt(n, xs.double)),
]);
/** ApiCampaignContactPageView. */
export const ApiCampaignContactPageView = complex(D, 'ApiCampaignContactPageView', [
  opt('ContactId', xs.int),
  opt('Email', xs.string, true),
  opt('Url', xs.string, true),
  opt('DateViewed', xs.dateTime),
]);
/** ApiCampaignContactReply. */
export const ApiCampaignContactReply = complex(D, 'ApiCampaignContactReply', [
  opt('ContactId', xs.int),
  opt('Email', xs.string, true),
  opt('FromAddress', xs.string, true),
  opt('ToAddress', xs.string, true),
  opt('Subject', xs.string, true),
  opt('Message', xs.string, true),
  opt('IsHtml', xs.boolean),
  opt('DateReplied', xs.dateTime),
  opt('ReplyType', enums.replyType),
]);
/** ApiCampaignContactRoiDetail. */
export const ApiCampaignContactRoiDetail = complex(D, 'ApiCampaignContactRoiDetail', [
  opt('ContactId', xs.int),
  opt('Email', xs.string, true),
  opt('MarkerName', xs.string, true),
  opt('DataType', enums.roiDataType),
  opt('Value', xs.anyType, true),
  opt('DateEntered', xs.dateTime),
]);
/** ApiCampaignContactSocialBookmarkView. */
export const ApiCampaignContactSocialBookmarkView = complex(D, 'ApiCampaignContactSocialBookmarkView', [
  opt('ContactId', xs.int),
  opt('Email', xs.string, true),
  opt('BookmarkName', xs.string, true),
  opt('NumViews', xs.int),
]);
/** ApiSegment (extension): Id, Name, Contacts as in the REST type. */
export const ApiSegment = complex(D, 'ApiSegment', [opt('Id', xs.int), opt('Name', xs.string, true), opt('Contacts', xs.int)]);
/** ApiSegmentRefresh (extension). */
export const ApiSegmentRefresh = complex(D, 'ApiSegmentRefresh', [opt('Id', xs.int), opt('Status', enums.segmentRefreshStatus)]);

const contactList = arrayOf(D, ApiContact);
const suppressionList = arrayOf(D, ApiContactSuppression);
const bookList = arrayOf(D, ApiAddressBook);

const p = {
  id: opt('id', xs.int),
  email: opt('email', xs.string, true),
  apiContact: opt('apiContact', ApiContact, true),
  apiAddressBook: opt('apiAddressBook', ApiAddressBook, true),
  addressBookId: opt('addressBookId', xs.int),
  contactId: opt('contactId', xs.int),
  withFullData: opt('withFullData', xs.boolean),
  select: opt('select', xs.int),
  skip: opt('skip', xs.int),
  startDate: opt('startDate', xs.dateTime),
  resub: opt('apiContactResubscription', ApiContactResubscription, true),
  data: opt('data', xs.base64Binary, true),
  dataType: opt('dataType', xs.string, true),
  importId: opt('importId', guid),
  campaignId: opt('campaignId', xs.int),
};
const campaignList = arrayOf(D, ApiCampaign);
const summaryList = arrayOf(D, ApiCampaignContactSummary);
const clickList = arrayOf(D, ApiCampaignContactClick);
const openList = arrayOf(D, ApiCampaignContactOpen);
const pageViewList = arrayOf(D, ApiCampaignContactPageView);
const roiList = arrayOf(D, ApiCampaignContactRoiDetail);
const bookmarkList = arrayOf(D, ApiCampaignContactSocialBookmarkView);
// Reporting parameter lists: (campaignId, select, skip), (+ contactId), (+ startDate).
const cPage = [p.campaignId, p.select, p.skip];
const cContactPage = [p.campaignId, p.contactId, p.select, p.skip];
const cSincePage = [p.campaignId, p.startDate, p.select, p.skip];

const op = (name: string, input: Field[], result?: XsdType, nillableResult = true, doc?: string): Operation => ({
  name,
  input,
  result: result ? { name: `${name}Result`, type: result, optional: true, nillable: nillableResult } : undefined,
  doc,
});

/** The operations served on /v2/Api.svc, in the vendor's order, then the segment extension. */
export const V2_OPERATIONS: readonly Operation[] = [
  op('GetContactById', [p.id], ApiContact),
  op('GetContactByEmail', [p.email], ApiContact),
  op('CreateContact', [p.apiContact], ApiContact),
  op('UpdateContact', [p.apiContact], ApiContact),
  op('GetAddressBooks', [p.select, p.skip], bookList),
  op('CreateAddressBook', [p.apiAddressBook], ApiAddressBook),
  op('UpdateAddressBook', [p.apiAddressBook], ApiAddressBook),
  op('DeleteAddressBook', [p.id]),
  op('GetContacts', [p.withFullData, p.select, p.skip], contactList),
  op('GetContactsInAddressBook', [p.addressBookId, p.withFullData, p.select, p.skip], contactList),
  op('GetAddressBookContactCount', [p.id], xs.int, false),
  op('AddContactToAddressBook', [p.addressBookId, p.apiContact], ApiContact),
  op('DeleteContact', [p.id]),
  op('DeleteContactFromAddressBook', [p.addressBookId, p.contactId]),
  op('DeleteAllContactsFromAddressBook', [p.addressBookId]),
  op('UnsubscribeContact', [p.apiContact]),
  op('UnsubscribeContactFromAddressBook', [p.addressBookId, p.apiContact]),
  op('ResubscribeContact', [p.resub], enums.resubscribe, false),
  op('ResubscribeContactToAddressBook', [p.addressBookId, p.resub], enums.resubscribe, false),
  op('GetModifiedContacts', [p.startDate, p.withFullData, p.select, p.skip], contactList),
  op('GetModifiedContactsInAddressBook', [p.addressBookId, p.startDate, p.withFullData, p.select, p.skip], contactList),
  op('GetNewContacts', [p.startDate, p.withFullData, p.select, p.skip], contactList),
  op('GetAddressBooksForContact', [p.contactId, p.select, p.skip], bookList),
  op('GetAddressBooksForCampaign', cPage, bookList),
  op('GetSuppressedContacts', [p.startDate, p.select, p.skip], suppressionList),
  op('GetUnsubscribedContacts', [p.startDate, p.select, p.skip], suppressionList),
  op('GetUnsubscribedContactsInAddressBook', [p.addressBookId, p.startDate, p.select, p.skip], suppressionList),
  op('ImportContacts', [p.data, p.dataType], ApiContactImport, true, 'Bulk creates, or bulk updates, contacts. Segments refresh later (deferred).'),
  op(
    'ImportContactsToAddressBook',
    [p.addressBookId, p.data, p.dataType],
    ApiContactImport,
    true,
    'Bulk creates, or bulk updates, contacts in an address book. Segments refresh later (deferred).',
  ),
  op('GetContactImportProgress', [p.importId], ApiContactImport),
  op('GetContactImportReport', [p.importId], ApiContactImportReport),
  op('GetContactImportReportFaults', [p.importId], xs.base64Binary),
  op('GetCampaignById', [p.id], ApiCampaign),
  op('GetCampaigns', [p.select, p.skip], campaignList),
  op('GetCampaignsForAddressBook', [p.addressBookId, p.select, p.skip], campaignList),
  op('GetSentCampaignsWithActivitySinceDate', [p.startDate, p.select, p.skip], campaignList),
  op('CreateCampaign', [opt('apiCampaign', ApiCampaign, true)], ApiCampaign),
  op('UpdateCampaign', [opt('apiCampaign', ApiCampaign, true)], ApiCampaign),
  op('SendCampaign', [opt('apiCampaignSend', ApiCampaignSend, true)], ApiCampaignSend),
  op('GetCampaignSendProgress', [opt('sendId', guid)], ApiCampaignSend),
  op('GetCampaignSummary', [p.campaignId], ApiCampaignSummary),
  op('GetCampaignContactActivity', [p.campaignId, p.contactId], ApiCampaignContactSummary),
  op('GetCampaignActivities', cPage, summaryList),
  op('GetCampaignActivitiesSinceDate', cSincePage, summaryList),
  op('GetCampaignClicks', cPage, clickList),
  op('GetCampaignContactClicks', cContactPage, clickList),
  op('GetCampaignOpens', cPage, openList),
  op('GetCampaignContactOpens', cContactPage, openList),
  op('GetCampaignPageViewsSinceDate', cSincePage, pageViewList),
  op('GetCampaignContactPageViews', cContactPage, pageViewList),
  op('GetCampaignContactReplies', cContactPage, arrayOf(D, ApiCampaignContactReply)),
  op('GetCampaignSocialBookmarkViews', cPage, bookmarkList),
  op('GetCampaignContactSocialBookmarkViews', cContactPage, bookmarkList),
  op('GetCampaignRoiDetailsSinceDate', cSincePage, roiList),
  op('GetCampaignContactRoiDetails', cContactPage, roiList),
  op('GetCampaignHardBouncingContacts', [p.campaignId, p.withFullData, p.select, p.skip], contactList),
  op('CreateDataField', [opt('dataField', ApiDataField, true)], ApiDataField),
  op('DeleteDataField', [opt('fieldName', xs.string, true)], ApiDependencyResult),
  op('GetDataFields', [], arrayOf(D, ApiDataField)),
  op('GetCurrentAccountInfo', [], ApiAccount),
  op('GetServerTime', [], xs.dateTime, false),
  ...v2TransactionalDataOperations({ guid, op }),
  ...v2TemplateOperations({ replyAction: enums.campaignReplyAction, op }),
  ...v2SendersOperations({ ApiCampaignFromAddress, op }),
  ...v2CampaignCopyOperations({ ApiCampaign, op }),
  ...v2FileOperations(op),
  op('GetSegments', [p.select, p.skip], arrayOf(D, ApiSegment), true, 'contactgate extension: lists segments.'),
  op('RefreshSegment', [opt('segmentId', xs.int)], ApiSegmentRefresh, true, 'contactgate extension: requests a segment refresh.'),
  op('GetSegmentRefreshProgress', [opt('refreshId', xs.int)], ApiSegmentRefresh, true, 'contactgate extension: progress of a refresh.'),
];

/** Operations that are our extension (not in the vendor WSDL). */
export const V2_EXTENSION_OPERATIONS = new Set(['GetSegments', 'RefreshSegment', 'GetSegmentRefreshProgress']);

/** The v2 service descriptor. */
export const V2_SERVICE: ServiceDescriptor = {
  tns: V2_NS,
  serviceName: 'ApiService',
  portTypeName: 'ApiService',
  binding11: { binding: 'Secure_ApiService', port: 'Secure_ApiService' },
  soapAction: (name) => `${V2_NS}/ApiService/${name}`,
  prefixes: { [V2_NS]: '', [DATA_NS]: 'a', [SER_NS]: 'ser', [ARR_NS]: 'arr' },
  operations: V2_OPERATIONS,
  documentation:
    'contactgate: the dotmailer API v2 SOAP surface. HTTP Basic authentication; all dates are UTC. ' +
    'Bulk operations (ImportContacts, ImportContactsToAddressBook) refresh segments later; single writes refresh them at once.',
};
