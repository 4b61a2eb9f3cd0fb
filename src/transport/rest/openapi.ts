import { REPORT_KEYS } from '../../domain/importReport';
import { EXTENSIONS_HEADER } from './extensions';

// The hand-written OpenAPI 3.0 description of every REST route under /v2 (vendor routes and our extensions).
// A test walks the Express router and compares it with `paths` here, both ways: keep them in step.

type Schema = Record<string, unknown>;
type Operation = Record<string, unknown>;
type PathItem = Record<string, Operation>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const arrayOf = (s: Schema): Schema => ({ type: 'array', items: s });
const nullable = (s: Schema): Schema => ({ ...s, nullable: true });
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer', format: 'int32' };
const date: Schema = { type: 'string', format: 'date-time' };
const json = (s: Schema) => ({ 'application/json': { schema: s } });

/**
 * An extension property of a vendor type: optional, marked `x-contactgate-extension: true`; present on vendor routes
 * only with the X-Contactgate-Extensions switch, always on extension routes.
 */
const extProp = (s: Schema, what: string): Schema => ({ ...s, description: `Extension (only with \`${EXTENSIONS_HEADER}: true\` on vendor routes): ${what}`, 'x-contactgate-extension': true });

/** The switch header, a parameter of every authenticated route. */
const EXTENSIONS_PARAM: Schema = {
  name: EXTENSIONS_HEADER,
  in: 'header',
  required: false,
  description:
    '`true` asks for our extension properties (marked `x-contactgate-extension`) on vendor routes; without it vendor ' +
    'routes answer exactly the vendor’s properties. Extension routes always carry them. Other values than true/false: 400.',
  schema: { type: 'string', enum: ['true', 'false'] },
};

/** Tag of the routes that are ours, not the vendor's. */
const EXT_TAG = 'Extensions';

/** What one operation is described from. */
interface OpSpec {
  summary: string;
  tag: string;
  /** Our extension (not in the vendor's API): marked `x-contactgate-extension: true` and tagged Extensions. */
  ext?: boolean;
  query?: Array<'select' | 'skip' | 'withFullData' | 'full'>;
  body?: Schema;
  /** Success status and body schema (undefined body: no content). */
  ok: [number, Schema?];
  /** Success content type other than JSON. */
  okType?: string;
  /** No authentication (server time, this document, the docs page). */
  open?: boolean;
  /** Extra error statuses besides 400/401/404/500. */
  errors?: number[];
}

const QUERY: Record<string, Schema> = {
  select: { name: 'select', in: 'query', description: 'Page size (1..1000).', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
  skip: { name: 'skip', in: 'query', description: 'Records to skip.', schema: { type: 'integer', minimum: 0 } },
  withFullData: { name: 'withFullData', in: 'query', description: 'Include data fields.', schema: { type: 'boolean' } },
  full: { name: 'full', in: 'query', description: 'Extension: recompute every member instead of only changed contacts.', schema: { type: 'boolean' } },
};

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request (`{"message": "<text> ERROR_CODE"}`).',
  401: 'Missing or wrong credentials.',
  403: 'Not allowed for this account.',
  404: 'No such resource.',
  409: 'Conflict with the current state.',
  413: 'Body or file too large.',
  429: 'Hourly API call limit reached.',
  500: 'Unexpected error (the message carries a correlation id).',
};

function operation(method: string, path: string, o: OpSpec): Operation {
  const params: Schema[] = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: str }));
  for (const q of o.query ?? []) params.push(QUERY[q]);
  if (!o.open) params.push(EXTENSIONS_PARAM);
  const responses: Record<string, unknown> = {};
  const [status, body] = o.ok;
  responses[String(status)] = body
    ? { description: 'Success.', content: o.okType ? { [o.okType]: { schema: body } } : json(body) }
    : { description: 'Success (no content).' };
  const errs = o.open ? [500] : [400, 401, 404, 429, 500, ...(o.errors ?? [])];
  for (const e of [...new Set(errs)].sort()) responses[String(e)] = { description: ERROR_TEXT[e], content: json(ref('ApiError')) };
  const op: Operation = {
    operationId: `${method}${path.replace(/\/v2/, '').replace(/[{}]/g, '').replace(/[-/](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/\W/g, '')}`,
    summary: o.summary,
    tags: o.ext ? [o.tag, EXT_TAG] : [o.tag],
    parameters: params,
    responses,
  };
  if (o.ext) op['x-contactgate-extension'] = true;
  if (o.open) op.security = [];
  if (o.body) op.requestBody = { required: true, content: json(o.body) };
  if (!params.length) delete op.parameters;
  return op;
}

const ROUTES: Array<[string, string, OpSpec]> = [];
const route = (method: string, path: string, o: OpSpec) => ROUTES.push([method, `/v2${path}`, o]);
const paged = ['select', 'skip'] as Array<'select' | 'skip'>;
const pagedFull = ['select', 'skip', 'withFullData'] as Array<'select' | 'skip' | 'withFullData'>;

// Service.
route('get', '/server-time', { summary: 'The server time (UTC).', tag: 'Account', open: true, ok: [200, date] });
route('get', '/openapi.json', { summary: 'This document.', tag: 'Documentation', ext: true, open: true, ok: [200, { type: 'object' }] });
route('get', '/docs', { summary: 'This document in Swagger UI (served by the gateway itself, nothing loaded from elsewhere).', tag: 'Documentation', ext: true, open: true, ok: [200, str], okType: 'text/html' });
route('get', '/account-info', { summary: 'The account of the API user, with its API endpoint.', tag: 'Account', ok: [200, ref('ApiAccount')] });

// Contacts.
route('post', '/contacts', { summary: 'Create a contact.', tag: 'Contacts', body: ref('ApiContact'), ok: [201, ref('ApiContact')], errors: [409] });
route('get', '/contacts', { summary: 'List contacts.', tag: 'Contacts', query: pagedFull, ok: [200, arrayOf(ref('ApiContact'))] });
for (const [p, what, out] of [
  ['modified-since', 'modified since a date', 'ApiContact'],
  ['created-since', 'created since a date', 'ApiContact'],
  ['suppressed-since', 'suppressed since a date', 'ApiContactSuppression'],
  ['unsubscribed-since', 'unsubscribed since a date', 'ApiContactSuppression'],
]) {
  route('get', `/contacts/${p}/{date}`, { summary: `List contacts ${what}.`, tag: 'Contacts', query: pagedFull, ok: [200, arrayOf(ref(out))] });
}
route('post', '/contacts/unsubscribe', { summary: 'Unsubscribe a contact from everything.', tag: 'Contacts', body: ref('ApiContactRef'), ok: [200, ref('ApiContactSuppression')] });
route('post', '/contacts/resubscribe', { summary: 'Resubscribe a contact.', tag: 'Contacts', body: ref('ApiContactResubscription'), ok: [200, ref('ApiResubscribeResult')] });
route('get', '/contacts/{contactId}/address-books', { summary: 'Address books a contact is in.', tag: 'Contacts', query: paged, ok: [200, arrayOf(ref('ApiAddressBook'))] });
route('get', '/contacts/{idOrEmail}', { summary: 'Get a contact by id or email.', tag: 'Contacts', ok: [200, ref('ApiContact')] });
route('put', '/contacts/{id}', { summary: 'Update a contact.', tag: 'Contacts', body: ref('ApiContact'), ok: [200, ref('ApiContact')], errors: [409] });
route('delete', '/contacts/{id}', { summary: 'Delete a contact.', tag: 'Contacts', ok: [204] });

// Address books.
route('get', '/address-books', { summary: 'List address books.', tag: 'Address books', query: paged, ok: [200, arrayOf(ref('ApiAddressBook'))] });
route('get', '/address-books/private', { summary: 'List private address books.', tag: 'Address books', query: paged, ok: [200, arrayOf(ref('ApiAddressBook'))] });
route('get', '/address-books/public', { summary: 'List public address books.', tag: 'Address books', query: paged, ok: [200, arrayOf(ref('ApiAddressBook'))] });
route('post', '/address-books', { summary: 'Create an address book.', tag: 'Address books', body: ref('ApiAddressBook'), ok: [201, ref('ApiAddressBook')], errors: [409] });
route('get', '/address-books/{id}', { summary: 'Get an address book.', tag: 'Address books', ok: [200, ref('ApiAddressBook')] });
route('put', '/address-books/{id}', { summary: 'Rename an address book or change its visibility.', tag: 'Address books', body: ref('ApiAddressBook'), ok: [200, ref('ApiAddressBook')], errors: [409] });
route('delete', '/address-books/{id}', { summary: 'Delete an address book.', tag: 'Address books', ok: [204] });
route('get', '/address-books/{id}/contacts', { summary: 'List the contacts of an address book.', tag: 'Address books', query: pagedFull, ok: [200, arrayOf(ref('ApiContact'))] });
route('post', '/address-books/{id}/contacts', { summary: 'Add (or create) a contact in an address book.', tag: 'Address books', body: ref('ApiContact'), ok: [200, ref('ApiContact')] });
route('delete', '/address-books/{id}/contacts', { summary: 'Remove every contact from an address book.', tag: 'Address books', ok: [204] });
route('post', '/address-books/{id}/contacts/delete', { summary: 'Remove some contacts (ids) from an address book.', tag: 'Address books', body: arrayOf(int), ok: [202, ref('ApiTransientResult')] });
route('delete', '/address-books/{id}/contacts/{contactId}', { summary: 'Remove one contact from an address book.', tag: 'Address books', ok: [204] });
route('get', '/address-books/{id}/contacts/modified-since/{date}', { summary: 'Contacts of a book modified since a date.', tag: 'Address books', query: pagedFull, ok: [200, arrayOf(ref('ApiContact'))] });
route('get', '/address-books/{id}/contacts/unsubscribed-since/{date}', { summary: 'Contacts unsubscribed from a book since a date.', tag: 'Address books', query: pagedFull, ok: [200, arrayOf(ref('ApiContactSuppression'))] });
route('post', '/address-books/{id}/contacts/unsubscribe', { summary: 'Unsubscribe a contact from a book.', tag: 'Address books', body: ref('ApiContactRef'), ok: [200, ref('ApiContactSuppression')] });
route('post', '/address-books/{id}/contacts/resubscribe', { summary: 'Resubscribe a contact to a book.', tag: 'Address books', body: ref('ApiContactResubscription'), ok: [200, ref('ApiResubscribeResult')] });

// Data fields.
route('get', '/data-fields', { summary: 'List data fields.', tag: 'Data fields', ok: [200, arrayOf(ref('ApiDataField'))] });
route('post', '/data-fields', { summary: 'Create a data field.', tag: 'Data fields', body: ref('ApiDataField'), ok: [201, ref('ApiDataField')], errors: [409] });
route('delete', '/data-fields/{name}', { summary: 'Delete a data field (409 with the dependencies when in use).', tag: 'Data fields', ok: [200, ref('ApiDependencyResult')], errors: [409] });

// Imports.
const importBody = ref('ApiContactImportUpload');
route('post', '/contacts/import', { summary: 'Import a CSV/xlsx file of contacts (multipart, or JSON with base64 data).', tag: 'Imports', body: importBody, ok: [202, ref('ApiContactImport')], errors: [413] });
route('post', '/address-books/{addressBookId}/contacts/import', { summary: 'Import contacts into an address book.', tag: 'Imports', body: importBody, ok: [202, ref('ApiContactImport')], errors: [413] });
route('get', '/contacts/import/{importId}', { summary: 'Import status.', tag: 'Imports', ok: [200, ref('ApiContactImport')] });
route('get', '/contacts/import/{importId}/report', { summary: 'Import report (404 while unfinished).', tag: 'Imports', ok: [200, ref('ApiContactImportReport')] });
route('get', '/contacts/import/{importId}/report-faults', { summary: 'Rejected rows as CSV (404 while unfinished).', tag: 'Imports', ok: [200, str], okType: 'text/csv' });

// Segments.
route('get', '/segments', { summary: 'List segments (freshness fields with the extensions switch).', tag: 'Segments', query: paged, ok: [200, arrayOf(ref('ApiSegment'))] });
route('post', '/segments/refresh/{id}', { summary: 'Queue a refresh (joins one already queued or running).', tag: 'Segments', query: ['full'], ok: [202, ref('ApiSegmentRefresh')] });
route('get', '/segments/refresh/{id}', { summary: 'Status of the latest refresh.', tag: 'Segments', ok: [200, ref('ApiSegmentRefresh')] });
route('get', '/segments/{id}/contacts', { summary: 'Members of a segment.', tag: 'Segments', ext: true, query: pagedFull, ok: [200, arrayOf(ref('ApiContact'))] });
route('post', '/segments', { summary: 'Define a segment from rules.', tag: 'Segments', ext: true, body: ref('ApiSegmentDefinition'), ok: [201, ref('ApiSegment')] });
route('get', '/segments/{id}', { summary: 'Get a segment with its rules.', tag: 'Segments', ext: true, ok: [200, ref('ApiSegment')] });
route('put', '/segments/{id}', { summary: 'Change a segment’s name or rules.', tag: 'Segments', ext: true, body: ref('ApiSegmentDefinition'), ok: [200, ref('ApiSegment')] });
route('delete', '/segments/{id}', { summary: 'Delete a segment.', tag: 'Segments', ext: true, ok: [204] });

// Campaigns and activity.
route('get', '/campaigns', { summary: 'List campaigns.', tag: 'Campaigns', query: paged, ok: [200, arrayOf(ref('ApiCampaign'))] });
route('post', '/campaigns', { summary: 'Create a campaign.', tag: 'Campaigns', body: ref('ApiCampaign'), ok: [201, ref('ApiCampaign')] });
route('get', '/campaigns/{id}', { summary: 'Get a campaign.', tag: 'Campaigns', ok: [200, ref('ApiCampaign')] });
route('put', '/campaigns/{id}', { summary: 'Update a campaign.', tag: 'Campaigns', body: ref('ApiCampaign'), ok: [200, ref('ApiCampaign')] });
route('delete', '/campaigns/{id}', { summary: 'Delete a campaign.', tag: 'Campaigns', ok: [204] });
for (const suffix of ['', '/since-date/{date}']) {
  const since = suffix ? ' since a date' : '';
  route('get', `/campaigns/{id}/activities${suffix}`, { summary: `Per-contact activity of a campaign${since}.`, tag: 'Campaigns', query: paged, ok: [200, arrayOf(ref('ApiCampaignContactSummary'))] });
  route('get', `/campaigns/{id}/opens${suffix}`, { summary: `Opens of a campaign${since}.`, tag: 'Campaigns', query: paged, ok: [200, arrayOf(ref('ApiCampaignContactOpen'))] });
  route('get', `/campaigns/{id}/clicks${suffix}`, { summary: `Clicks of a campaign${since}.`, tag: 'Campaigns', query: paged, ok: [200, arrayOf(ref('ApiCampaignContactClick'))] });
}
route('post', '/activity-events', { summary: 'Ingest delivery-platform events (one or an array, idempotent by eventId).', tag: 'Activity', ext: true, body: { oneOf: [ref('ApiActivityEvent'), arrayOf(ref('ApiActivityEvent'))] }, ok: [200, ref('ApiActivityIngestResult')] });

// Surveys.
route('post', '/surveys', { summary: 'Define a survey whose answers map to data fields.', tag: 'Surveys', ext: true, body: ref('ApiSurvey'), ok: [201, ref('ApiSurvey')] });
route('get', '/surveys', { summary: 'List surveys.', tag: 'Surveys', ext: true, query: paged, ok: [200, arrayOf(ref('ApiSurvey'))] });
route('get', '/surveys/{id}', { summary: 'Get a survey with its response count.', tag: 'Surveys', ext: true, ok: [200, ref('ApiSurvey')] });
route('post', '/surveys/{id}/responses', { summary: 'Post responses (one or an array): a bulk write to data fields.', tag: 'Surveys', ext: true, body: { oneOf: [ref('ApiSurveyResponse'), arrayOf(ref('ApiSurveyResponse'))] }, ok: [202, ref('ApiSurveyResult')] });

// Campaign sends (a send refreshes stale target segments first).
route('post', '/campaigns/send', { summary: 'Send a campaign to address books, segments or contacts (stale segments are refreshed first).', tag: 'Campaigns', body: ref('ApiCampaignSend'), ok: [202, ref('ApiCampaignSend')] });
route('get', '/campaigns/send/{id}', { summary: 'Progress of a send.', tag: 'Campaigns', ok: [200, ref('ApiCampaignSend')] });
route('get', '/campaigns/send/{id}/recipients', { summary: 'Contacts a send went to.', tag: 'Campaigns', ext: true, query: paged, ok: [200, arrayOf(ref('ApiContact'))] });
route('post', '/campaigns/send/{id}/cancel', { summary: 'Cancel a send that has not started.', tag: 'Campaigns', ext: true, ok: [200, ref('ApiCampaignSend')] });

const SCHEMAS: Record<string, Schema> = {
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
      type: { type: 'string', enum: ['sent', 'open', 'click', 'bounce', 'unsubscribe'] },
      campaignId: int,
      sendId: str,
      contactId: int,
      email: str,
      url: str,
      occurredAt: date,
      bounceType: { type: 'string', enum: ['soft', 'hard'] },
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
};

/** Builds the OpenAPI 3.0 document of the REST API. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, PathItem> = {};
  for (const [method, path, o] of ROUTES) (paths[path] ??= {})[method] = operation(method, path, o);
  return {
    openapi: '3.0.3',
    info: {
      title: 'contactgate REST API (v2)',
      version: '2.0.0',
      description:
        'The dotmailer v2 REST API as served by contactgate, plus our extensions (tagged Extensions and marked ' +
        '`x-contactgate-extension: true`). Vendor routes answer exactly the vendor’s properties; our extension ' +
        `properties (also marked x-contactgate-extension) come with the request header \`${EXTENSIONS_HEADER}: true\`, ` +
        'and always on extension routes. Errors answer `{"message": "<text> ERROR_CODE"}`. Times are UTC ISO-8601.',
    },
    servers: [{ url: '/' }],
    security: [{ basicAuth: [] }],
    tags: [
      ...['Account', 'Contacts', 'Address books', 'Data fields', 'Imports', 'Segments', 'Campaigns', 'Activity', 'Surveys', 'Documentation'].map((name) => ({ name })),
      { name: EXT_TAG, description: 'Routes that are ours, not the vendor’s.' },
    ],
    paths,
    components: {
      securitySchemes: { basicAuth: { type: 'http', scheme: 'basic', description: 'API username and password.' } },
      schemas: SCHEMAS,
    },
  };
}
