import { REPORT_KEYS } from '../../domain/importReport';
import { EXTENSIONS_HEADER } from './extensions';
import { ACTIVITY_TYPES, REPLY_TYPES, ROI_DATA_TYPES } from '../../domain/activity';
import { CAMPAIGN_SUMMARY_FIELDS, CAMPAIGN_SUMMARY_PERCENTAGES } from '../soap/v2/schema';

// OpenAPI 3.0 schema helpers and the component schemas of the REST API (the vendor's types and our extensions).
// Route entries (route.ts, routes/*.ts) name their request and response schemas with these helpers.

/** An OpenAPI schema object. */
export type Schema = Record<string, unknown>;

/** A reference to a component schema. */
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
/** An array of s. */
export const arrayOf = (s: Schema): Schema => ({ type: 'array', items: s });
/** s or null. */
export const nullable = (s: Schema): Schema => ({ ...s, nullable: true });
/** A string. */
export const str: Schema = { type: 'string' };
/** A 32-bit integer. */
export const int: Schema = { type: 'integer', format: 'int32' };
/** A UTC date-time. */
export const date: Schema = { type: 'string', format: 'date-time' };

/**
 * An extension property of a vendor type: optional, marked `x-contactgate-extension: true`; present on vendor routes
 * only with the X-Contactgate-Extensions switch, always on extension routes.
 */
const extProp = (s: Schema, what: string): Schema => ({ ...s, description: `Extension (only with \`${EXTENSIONS_HEADER}: true\` on vendor routes): ${what}`, 'x-contactgate-extension': true });

/** The component schemas the route table's request and response schemas refer to (`ref(name)`). */
const camel = (n: string) => n[0].toLowerCase() + n.slice(1);

export const SCHEMAS: Record<string, Schema> = {
  ApiError: { type: 'object', required: ['message'], properties: { message: { type: 'string', example: 'Contact not found. ERROR_CONTACT_NOT_FOUND' } } },
  ApiDataFieldValue: { type: 'object', properties: { key: str, value: nullable({}) } },
  ApiContact: {
    type: 'object',
    properties: {
      id: int,
      email: { type: 'string', format: 'email' },
      optInType: { type: 'string', enum: ['Unknown', 'Single', 'Double', 'VerifiedDouble'] },
      emailType: { type: 'string', enum: ['PlainText', 'Html'] },
      dataFields: arrayOf(ref('ApiDataFieldValue')),
      status: { type: 'string', description: 'Subscribed, Unsubscribed, SoftBounced, HardBounced, ... (read only).' },
    },
  },
  ApiContactRef: { type: 'object', properties: { id: int, email: str } },
  ApiContactSuppression: { type: 'object', properties: { suppressedContact: ref('ApiContact'), dateRemoved: date, reason: str } },
  ApiContactResubscription: { type: 'object', properties: { unsubscribedContact: ref('ApiContactRef'), preferredLocale: str, returnUrlToUseIfChallenged: str } },
  ApiResubscribeResult: { type: 'object', properties: { contact: nullable(ref('ApiContact')), status: { type: 'string', enum: ['ContactAdded', 'ContactChallenged', 'ContactCannotBeUnsuppressed'] } } },
  ApiAddressBook: { type: 'object', properties: { id: int, name: str, visibility: { type: 'string', enum: ['Private', 'Public'] }, contacts: int } },
  ApiDataField: {
    type: 'object',
    properties: { name: str, type: { type: 'string', enum: ['String', 'Numeric', 'Date', 'Boolean'] }, visibility: { type: 'string', enum: ['Private', 'Public'] }, defaultValue: nullable({}) },
  },
  ApiDependencyResult: { type: 'object', properties: { dependencies: arrayOf({ type: 'object', properties: { type: str, objectId: int } }), result: { type: 'boolean' } } },
  ApiAccount: {
    type: 'object',
    properties: { id: int, properties: arrayOf({ type: 'object', properties: { name: str, type: str, value: str } }) },
  },
  ApiTransientResult: { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, status: str } },
  ApiContactImportUpload: {
    type: 'object',
    description: 'multipart/form-data with one file part is accepted too (any field name).',
    required: ['data'],
    properties: { fileName: { type: 'string', example: 'contacts.csv' }, data: { type: 'string', format: 'byte', description: 'The file, base64.' } },
  },
  ApiContactImport: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      status: { type: 'string', enum: ['NotFinished', 'Finished', 'RejectedByWatchdog', 'InvalidFileFormat', 'Unknown', 'Failed', 'ExceedsAllowedContactLimit'] },
    },
  },
  ApiContactImportReport: { type: 'object', properties: Object.fromEntries(REPORT_KEYS.map((k) => [k, int])) },
  ApiSegment: {
    type: 'object',
    properties: {
      id: int,
      name: str,
      contacts: int,
      kind: extProp({ type: 'string', enum: ['realtime', 'behavioural'] }, 'how the membership is kept.'),
      lastRefreshed: extProp(nullable(date), 'when the membership was last computed.'),
      pendingRefresh: extProp({ type: 'boolean' }, 'a refresh is queued or running.'),
      staleSince: extProp(nullable(date), 'the first change not yet reflected in the membership.'),
      refreshDueBy: extProp(nullable(date), 'when the sweeper will have refreshed it at the latest.'),
      rules: extProp({ type: 'object' }, 'the rule tree (single reads).'),
    },
  },
  ApiSegmentDefinition: {
    type: 'object',
    required: ['name', 'rules'],
    properties: {
      name: str,
      rules: {
        type: 'object',
        description: 'A group `{type:"group", match:"all"|"any", items:[...]}` of conditions of type field, contact, book or campaign.',
        example: { type: 'group', match: 'all', items: [{ type: 'field', field: 'CITY', op: 'equals', value: 'Leeds' }] },
      },
    },
  },
  ApiSegmentRefresh: { type: 'object', properties: { id: int, status: { type: 'string', enum: ['NotStarted', 'NotFinished', 'Finished', 'Failed'] } } },
  ApiCampaign: {
    type: 'object',
    properties: {
      id: int,
      name: str,
      subject: str,
      fromName: str,
      fromAddress: nullable({ type: 'object', properties: { id: int, email: str } }),
      htmlContent: str,
      plainTextContent: str,
      replyAction: str,
      replyToAddress: nullable(str),
      isSplitTest: { type: 'boolean' },
      status: str,
    },
  },
  ApiCampaignSend: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      campaignId: int,
      addressBookIds: arrayOf(int),
      contactIds: arrayOf(int),
      sendDate: nullable(date),
      status: str,
      recipients: extProp(nullable(int), 'audience size (null until the audience is taken).'),
      refreshedSegments: extProp(arrayOf(int), 'segments refreshed before the audience was taken.'),
    },
  },
  ApiCampaignContactSummary: {
    type: 'object',
    properties: {
      contactId: int,
      email: str,
      numOpens: int,
      numPageViews: int,
      numClicks: int,
      numForwards: int,
      numEstimatedForwards: int,
      numReplies: int,
      dateSent: nullable(date),
      dateFirstOpened: nullable(date),
      dateLastOpened: nullable(date),
      firstOpenIp: nullable(str),
      unsubscribed: { type: 'boolean' },
      softBounced: { type: 'boolean' },
      hardBounced: { type: 'boolean' },
    },
  },
  ApiCampaignContactOpen: {
    type: 'object',
    properties: {
      contactId: int,
      email: str,
      mailClient: nullable(str),
      mailClientVersion: nullable(str),
      ipAddress: nullable(str),
      userAgent: nullable(str),
      isHtml: { type: 'boolean' },
      isForward: { type: 'boolean' },
      dateOpened: date,
    },
  },
  ApiCampaignContactClick: {
    type: 'object',
    properties: { contactId: int, email: str, url: str, ipAddress: nullable(str), userAgent: nullable(str), dateClicked: date, keyword: nullable(str) },
  },
  ApiActivityEvent: {
    type: 'object',
    required: ['eventId', 'type', 'campaignId', 'occurredAt'],
    properties: {
      eventId: str,
      type: { type: 'string', enum: [...ACTIVITY_TYPES] },
      campaignId: int,
      sendId: str,
      contactId: int,
      email: str,
      url: str,
      occurredAt: date,
      bounceType: { type: 'string', enum: ['soft', 'hard'] },
      linkGroup: str,
      replyType: { type: 'string', enum: [...REPLY_TYPES] },
      subject: str,
      message: str,
      marker: str,
      value: {},
      valueType: { type: 'string', enum: [...ROI_DATA_TYPES] },
      bookmark: str,
    },
  },
  ApiActivityIngestResult: { type: 'object', properties: { accepted: int, duplicates: int } },
  ApiSurvey: {
    type: 'object',
    properties: {
      id: int,
      name: str,
      questions: arrayOf({ type: 'object', properties: { id: str, text: str, dataField: nullable(str) } }),
      createdAt: date,
      responses: int,
    },
  },
  ApiSurveyResponse: { type: 'object', properties: { email: str, answers: { type: 'object', additionalProperties: {} } } },
  ApiSurveyResult: { type: 'object', properties: { accepted: int, contactsUpdated: int } },
  // Campaign reporting (#20): clicks with their link's id and groups.
  ApiCampaignContactClickWithGroups: {
    type: 'object',
    properties: {
      contactId: int,
      email: str,
      url: str,
      ipAddress: nullable(str),
      userAgent: nullable(str),
      dateClicked: date,
      keyword: nullable(str),
      linkId: int,
      groups: arrayOf({ type: 'object', properties: { name: str, dateCreated: date } }),
    },
  },
  ApiCampaignSummary: {
    type: 'object',
    properties: Object.fromEntries([
      ...CAMPAIGN_SUMMARY_FIELDS.map((n) => [camel(n), n === 'DateSent' ? nullable(date) : int]),
      ...CAMPAIGN_SUMMARY_PERCENTAGES.map((n) => [camel(n), { type: 'number', format: 'double' }]),
    ]),
  },
  ApiCampaignContactPageView: { type: 'object', properties: { contactId: int, email: str, url: nullable(str), dateViewed: date } },
  ApiCampaignContactReply: {
    type: 'object',
    properties: {
      contactId: int,
      email: str,
      fromAddress: str,
      toAddress: nullable(str),
      subject: nullable(str),
      message: nullable(str),
      isHtml: { type: 'boolean' },
      dateReplied: date,
      replyType: { type: 'string', enum: [...REPLY_TYPES] },
    },
  },
  ApiCampaignContactSocialBookmarkView: { type: 'object', properties: { contactId: int, email: str, bookmarkName: str, numViews: int } },
  ApiCampaignContactRoiDetail: {
    type: 'object',
    properties: { contactId: int, email: str, markerName: str, dataType: { type: 'string', enum: [...ROI_DATA_TYPES] }, value: {}, dateEntered: date },
  },
  // Transactional data (issue #19).
  ApiTransactionalData: {
    type: 'object',
    properties: {
      key: str,
      contactIdentifier: { type: 'string', description: 'A contact id or email; `account` (or empty) for a record of no contact.' },
      json: { type: 'string', description: 'The record: one JSON object as text, stored and returned byte for byte.' },
    },
  },
  ApiJsonData: { type: 'object', properties: { json: { type: 'string', description: 'The record: one JSON object as text.' } } },
  ApiTransactionalDataImport: { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, status: { type: 'string', enum: ['NotStarted', 'NotFinished', 'Finished', 'Failed'] } } },
  ApiTransactionalDataImportReport: {
    type: 'object',
    properties: {
      totalItems: int,
      totalImported: int,
      totalRejected: int,
      faults: arrayOf({
        type: 'object',
        properties: {
          key: str,
          reason: { type: 'string', enum: ['InvalidClientKey', 'InvalidContactIdentifier', 'InvalidJson', 'DuplicateKey', 'ContactIdDoesNotExist', 'ContactEmailDoesNotExist'] },
        },
      }),
    },
  },
  ApiContactIdList: { type: 'object', required: ['ContactIds'], properties: { ContactIds: { ...arrayOf(int), maxItems: 1000 } } },
  ApiTemplate: {
    type: 'object',
    properties: {
      id: int,
      name: { type: 'string', maxLength: 255 },
      subject: { type: 'string', maxLength: 255 },
      fromName: { type: 'string', maxLength: 255 },
      htmlContent: { type: 'string', description: 'At most 1,000,000 bytes (UTF-8).' },
      plainTextContent: { type: 'string', description: 'At most 1,000,000 bytes (UTF-8).' },
      replyAction: { type: 'string', enum: ['Unset', 'WebMailForward', 'Webmail', 'Delete'] },
      replyToAddress: nullable(str),
    },
  },
  ApiCampaignFromAddress: { type: 'object', properties: { id: int, email: { type: 'string', format: 'email' } } },
  ApiSms: { type: 'object', required: ['message'], properties: { message: { type: 'string', maxLength: 160 } } },
  ApiOutboxRow: {
    type: 'object',
    description: 'Extension: one outbox row (docs/outbox.md says what each kind holds).',
    properties: {
      id: int,
      kind: { type: 'string', example: 'sms' },
      sendId: nullable({ type: 'string', format: 'uuid' }),
      contactId: nullable(int),
      email: nullable(str),
      subject: nullable(str),
      variant: nullable(str),
      programId: nullable(int),
      telephone: nullable(str),
      payload: nullable({ type: 'object', additionalProperties: {} }),
      createdAt: date,
      claimedUntil: nullable(date),
      ackedAt: nullable(date),
    },
  },
  ApiOutboxClaimRequest: { type: 'object', properties: { limit: { ...int, minimum: 1, maximum: 1000, default: 100 }, leaseSeconds: { ...int, minimum: 1, maximum: 3600, default: 60 } } },
  ApiOutboxClaim: { type: 'object', properties: { claimToken: { type: 'string', format: 'uuid' }, claimedUntil: date, rows: arrayOf(ref('ApiOutboxRow')) } },
  ApiOutboxAckRequest: { type: 'object', required: ['claimToken', 'ids'], properties: { claimToken: { type: 'string', format: 'uuid' }, ids: { ...arrayOf(int), maxItems: 1000 } } },
  ApiOutboxAck: { type: 'object', properties: { acked: arrayOf(int), rejected: arrayOf(int) } },
  // Documents and images (issue #21).
  ApiDocumentFolder: { type: 'object', properties: { id: int, name: str, childFolders: arrayOf(ref('ApiDocumentFolder')) } },
  ApiImageFolder: { type: 'object', properties: { id: int, name: str, childFolders: arrayOf(ref('ApiImageFolder')) } },
  ApiDocument: { type: 'object', properties: { id: int, name: str, fileName: str, fileSize: int, dateCreated: date, dateModified: date } },
  ApiImage: { type: 'object', properties: { id: int, name: str, path: { type: 'string', format: 'uri', description: 'The public URL the image is served at.' } } },
  ApiFileMedia: {
    type: 'object',
    required: ['fileName', 'data'],
    properties: { fileName: str, data: { type: 'string', format: 'byte', description: 'The file, base64 (at most 5 MB decoded).' } },
  },
  // Split tests (issue #21).
  ApiSplitTestCampaign: {
    type: 'object',
    properties: {
      id: int,
      name: str,
      subjects: arrayOf(str),
      fromNames: arrayOf(str),
      fromAddresses: arrayOf({ type: 'object', properties: { id: int, email: str } }),
      htmlContents: arrayOf(str),
      plainTextContents: arrayOf(str),
      replyAction: str,
      replyToAddress: str,
      status: str,
      splitTestOptions: { type: 'string', enum: ['None', 'Subject', 'FromAddress', 'FromName', 'Html', 'PlainText', 'All'] },
      splitTestCount: int,
    },
  },
  ApiCampaignSplitTestResults: {
    type: 'object',
    properties: {
      versions: arrayOf({
        type: 'object',
        properties: {
          subjectLine: str, fromName: str, fromAddress: str, htmlContent: str, plainTextContent: str, version: str,
          winningVersion: { type: 'boolean' }, resultsActual: { type: 'number' }, resultsPercentage: { type: 'number' },
        },
      }),
      splitTestWinnerMetric: { type: 'string', enum: ['Opens', 'Clicks', 'ROI', 'NotAvailableInThisVersion'] },
    },
  },
  // Programs and enrolments (issue #21).
  ApiProgram: { type: 'object', properties: { id: int, name: str, status: { type: 'string', enum: ['Draft', 'Deactivated', 'Active', 'ReadOnly'] }, dateCreated: date } },
  ApiProgramEnrolment: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      programId: int,
      status: { type: 'string', enum: ['Processing', 'Finished'] },
      dateCreated: date,
      contacts: arrayOf(int),
      addressBooks: arrayOf(int),
      enrolled: extProp(nullable(int), 'contacts enrolled (null while processing).'),
      refreshedSegments: extProp(arrayOf(int), 'segments refreshed for this enrolment before its audience was taken.'),
    },
  },
};

// why: ApiCampaignDetails repeats ApiCampaign's members; they are read from the one definition above.
SCHEMAS.ApiCampaignDetails = {
  type: 'object',
  description: 'ApiCampaign plus type (always Standard here), tags, split-test options (none here) and the sent date.',
  properties: {
    ...(SCHEMAS.ApiCampaign.properties as Record<string, Schema>),
    type: { type: 'string', enum: ['Standard', 'Triggered'] },
    tags: arrayOf({ type: 'object', properties: { name: str } }),
    splitTestOptions: arrayOf(str),
    sentDate: nullable(date),
  },
};
