import { expect } from 'chai';
import { startApp, TestApp, TestLogin } from '../../helpers/app';
import { RestClient } from '../../helpers/rest';
import { faultText, v1Call, v2Call, x } from '../../helpers/dialects';
import { drainJobs } from '../../helpers/imports';

// Tenant isolation matrix: account A uses account B's ids on every id-taking route/operation of the three dialects.
// Each case must answer not-found (REST 404; SOAP an HTTP 500 fault with the ERROR_*_NOT_FOUND token)
// and leave B's data exactly as it was. The case lists are plain arrays: imports, segments and sends append theirs.

/** B's objects (and A's own, for mixed calls) that the cases aim at. */
export interface Ids {
  bContact: number;
  bEmail: string;
  bBook: number;
  bField: string;
  bCampaign: number;
  bSurvey: number;
  /** B's import id: a real one once imports land (the fixture tries), else an id nobody has. */
  bImport: string;
  /** B's segment id: a real one once segments land, else an id nobody has. */
  bSegment: number;
  aBook: number;
  aContact: number;
  aCampaign: number;
  /** B's campaign send id (queued, never run in this file). */
  bSend: string;
}

/** What a call answered: HTTP status and the ERROR_ token of its message or fault. */
interface Outcome {
  status: number;
  token?: string;
  text: string;
}

/** One row of the matrix. */
export interface IsolationCase {
  name: string;
  token: string;
  run(ctx: { app: TestApp; a: TestLogin; ids: Ids }): Promise<Outcome>;
}

const tokenOf = (s: string | undefined) => /(ERROR_[A-Z_]+)\s*$/.exec(s ?? '')?.[1];

function rest(method: string, path: (i: Ids) => string, body?: (i: Ids) => unknown): IsolationCase['run'] {
  return async ({ app, a, ids }) => {
    const r = await new RestClient(app.baseUrl, a).call(method, path(ids), body ? body(ids) : undefined);
    return { status: r.status, token: tokenOf(r.body?.message), text: r.text };
  };
}

function v1(op: string, inner: (i: Ids) => string): IsolationCase['run'] {
  return async ({ app, a, ids }) => {
    const r = await v1Call(app.baseUrl, a, op, inner(ids));
    return { status: r.status, token: tokenOf(faultText(r)), text: r.text };
  };
}

function v2(op: string, inner: (i: Ids) => string): IsolationCase['run'] {
  return async ({ app, a, ids }) => {
    const r = await v2Call(app.baseUrl, a, op, inner(ids));
    return { status: r.status, token: tokenOf(faultText(r)), text: r.text };
  };
}

const C_NF = 'ERROR_CONTACT_NOT_FOUND';
const B_NF = 'ERROR_ADDRESSBOOK_NOT_FOUND';
const F_NF = 'ERROR_DATAFIELD_NOTFOUND';
const I_NF = 'ERROR_IMPORT_NOT_FOUND';
const S_NF = 'ERROR_SEGMENT_NOT_FOUND';
const CAMP_NF = 'ERROR_CAMPAIGN_NOT_FOUND';
const SURV_NF = 'ERROR_SURVEY_NOT_FOUND';
const SEND_NF = 'ERROR_CAMPAIGN_SEND_NOT_FOUND';

/** REST v2 cases. */
export const REST_CASES: IsolationCase[] = [
  { name: 'GET /contacts/{id}', token: C_NF, run: rest('GET', (i) => `/v2/contacts/${i.bContact}`) },
  { name: 'GET /contacts/{email}', token: C_NF, run: rest('GET', (i) => `/v2/contacts/${encodeURIComponent(i.bEmail)}`) },
  { name: 'GET /contacts/{EMAIL upper-case}', token: C_NF, run: rest('GET', (i) => `/v2/contacts/${encodeURIComponent(i.bEmail.toUpperCase())}`) },
  { name: 'PUT /contacts/{id}', token: C_NF, run: rest('PUT', (i) => `/v2/contacts/${i.bContact}`, () => ({ email: 'stolen@example.com' })) },
  { name: 'DELETE /contacts/{id}', token: C_NF, run: rest('DELETE', (i) => `/v2/contacts/${i.bContact}`) },
  { name: 'GET /contacts/{id}/address-books', token: C_NF, run: rest('GET', (i) => `/v2/contacts/${i.bContact}/address-books`) },
  { name: 'POST /contacts/unsubscribe {id}', token: C_NF, run: rest('POST', () => '/v2/contacts/unsubscribe', (i) => ({ id: i.bContact })) },
  { name: 'POST /contacts/resubscribe {id}', token: C_NF, run: rest('POST', () => '/v2/contacts/resubscribe', (i) => ({ unsubscribedContact: { id: i.bContact } })) },
  { name: 'GET /address-books/{id}', token: B_NF, run: rest('GET', (i) => `/v2/address-books/${i.bBook}`) },
  { name: 'PUT /address-books/{id}', token: B_NF, run: rest('PUT', (i) => `/v2/address-books/${i.bBook}`, () => ({ name: 'Stolen' })) },
  { name: 'DELETE /address-books/{id}', token: B_NF, run: rest('DELETE', (i) => `/v2/address-books/${i.bBook}`) },
  { name: 'GET /address-books/{id}/contacts', token: B_NF, run: rest('GET', (i) => `/v2/address-books/${i.bBook}/contacts`) },
  { name: 'POST /address-books/{id}/contacts', token: B_NF, run: rest('POST', (i) => `/v2/address-books/${i.bBook}/contacts`, () => ({ email: 'intruder@example.com' })) },
  { name: 'DELETE /address-books/{id}/contacts', token: B_NF, run: rest('DELETE', (i) => `/v2/address-books/${i.bBook}/contacts`) },
  { name: 'POST /address-books/{id}/contacts/delete', token: B_NF, run: rest('POST', (i) => `/v2/address-books/${i.bBook}/contacts/delete`, (i) => [i.bContact]) },
  { name: 'DELETE /address-books/{id}/contacts/{contactId}', token: B_NF, run: rest('DELETE', (i) => `/v2/address-books/${i.bBook}/contacts/${i.bContact}`) },
  { name: "DELETE /address-books/{A's book}/contacts/{B's contact}", token: C_NF, run: rest('DELETE', (i) => `/v2/address-books/${i.aBook}/contacts/${i.bContact}`) },
  { name: 'GET /address-books/{id}/contacts/modified-since', token: B_NF, run: rest('GET', (i) => `/v2/address-books/${i.bBook}/contacts/modified-since/2000-01-01`) },
  { name: 'GET /address-books/{id}/contacts/unsubscribed-since', token: B_NF, run: rest('GET', (i) => `/v2/address-books/${i.bBook}/contacts/unsubscribed-since/2000-01-01`) },
  { name: 'POST /address-books/{id}/contacts/unsubscribe', token: B_NF, run: rest('POST', (i) => `/v2/address-books/${i.bBook}/contacts/unsubscribe`, (i) => ({ email: i.bEmail })) },
  { name: 'POST /address-books/{id}/contacts/resubscribe', token: B_NF, run: rest('POST', (i) => `/v2/address-books/${i.bBook}/contacts/resubscribe`, (i) => ({ unsubscribedContact: { email: i.bEmail } })) },
  { name: 'DELETE /data-fields/{name}', token: F_NF, run: rest('DELETE', (i) => `/v2/data-fields/${i.bField}`) },
  { name: 'GET /campaigns/{id}', token: CAMP_NF, run: rest('GET', (i) => `/v2/campaigns/${i.bCampaign}`) },
  { name: 'PUT /campaigns/{id}', token: CAMP_NF, run: rest('PUT', (i) => `/v2/campaigns/${i.bCampaign}`, () => ({ name: 'Stolen' })) },
  { name: 'DELETE /campaigns/{id}', token: CAMP_NF, run: rest('DELETE', (i) => `/v2/campaigns/${i.bCampaign}`) },
  { name: 'GET /campaigns/{id}/activities', token: CAMP_NF, run: rest('GET', (i) => `/v2/campaigns/${i.bCampaign}/activities`) },
  { name: 'GET /campaigns/{id}/opens', token: CAMP_NF, run: rest('GET', (i) => `/v2/campaigns/${i.bCampaign}/opens`) },
  { name: 'GET /campaigns/{id}/clicks', token: CAMP_NF, run: rest('GET', (i) => `/v2/campaigns/${i.bCampaign}/clicks`) },
  {
    name: "POST /activity-events on B's campaign",
    token: CAMP_NF,
    run: rest('POST', () => '/v2/activity-events', (i) => ({ eventId: 'iso-1', type: 'open', campaignId: i.bCampaign, contactId: i.aContact, occurredAt: '2026-01-01T00:00:00Z' })),
  },
  {
    name: "POST /activity-events on B's contact",
    token: C_NF,
    run: rest('POST', () => '/v2/activity-events', (i) => ({ eventId: 'iso-2', type: 'unsubscribe', campaignId: i.aCampaign, contactId: i.bContact, occurredAt: '2026-01-01T00:00:00Z' })),
  },
  { name: 'GET /surveys/{id}', token: SURV_NF, run: rest('GET', (i) => `/v2/surveys/${i.bSurvey}`) },
  { name: 'POST /surveys/{id}/responses', token: SURV_NF, run: rest('POST', (i) => `/v2/surveys/${i.bSurvey}/responses`, (i) => [{ email: i.bEmail, answers: { q: 'x' } }]) },
  { name: 'GET /contacts/import/{id}', token: I_NF, run: rest('GET', (i) => `/v2/contacts/import/${i.bImport}`) },
  { name: 'GET /contacts/import/{id}/report', token: I_NF, run: rest('GET', (i) => `/v2/contacts/import/${i.bImport}/report`) },
  { name: 'GET /contacts/import/{id}/report-faults', token: I_NF, run: rest('GET', (i) => `/v2/contacts/import/${i.bImport}/report-faults`) },
  { name: 'GET /contacts/import/{B id upper-case}', token: I_NF, run: rest('GET', (i) => `/v2/contacts/import/${i.bImport.toUpperCase()}`) },
  {
    name: "POST /address-books/{B's book}/contacts/import",
    token: B_NF,
    run: rest('POST', (i) => `/v2/address-books/${i.bBook}/contacts/import`, () => ({ fileName: 'x.csv', data: INTRUDER_CSV.toString('base64') })),
  },
  { name: 'GET /segments/{id}', token: S_NF, run: rest('GET', (i) => `/v2/segments/${i.bSegment}`) },
  {
    name: 'PUT /segments/{id}',
    token: S_NF,
    run: rest('PUT', (i) => `/v2/segments/${i.bSegment}`, () => ({ name: 'Stolen', rules: { all: [{ contact: 'email', op: 'contains', value: '@' }] } })),
  },
  { name: 'DELETE /segments/{id}', token: S_NF, run: rest('DELETE', (i) => `/v2/segments/${i.bSegment}`) },
  { name: 'GET /segments/{id}/contacts', token: S_NF, run: rest('GET', (i) => `/v2/segments/${i.bSegment}/contacts`) },
  { name: 'POST /segments/refresh/{id}', token: S_NF, run: rest('POST', (i) => `/v2/segments/refresh/${i.bSegment}`, () => ({ full: true })) },
  { name: 'GET /segments/refresh/{id}', token: S_NF, run: rest('GET', (i) => `/v2/segments/refresh/${i.bSegment}`) },
  { name: "POST /campaigns/send (B's campaign)", token: CAMP_NF, run: rest('POST', () => '/v2/campaigns/send', (i) => ({ campaignId: i.bCampaign, addressBookIds: [i.aBook] })) },
  { name: "POST /campaigns/send (A campaign, B's book)", token: B_NF, run: rest('POST', () => '/v2/campaigns/send', (i) => ({ campaignId: i.aCampaign, addressBookIds: [i.bBook] })) },
  { name: "POST /campaigns/send (A campaign, B's segment)", token: B_NF, run: rest('POST', () => '/v2/campaigns/send', (i) => ({ campaignId: i.aCampaign, addressBookIds: [i.bSegment] })) },
  { name: "POST /campaigns/send (A campaign, B's contact)", token: C_NF, run: rest('POST', () => '/v2/campaigns/send', (i) => ({ campaignId: i.aCampaign, contactIds: [i.aContact, i.bContact] })) },
  { name: 'GET /campaigns/send/{id}', token: SEND_NF, run: rest('GET', (i) => `/v2/campaigns/send/${i.bSend}`) },
  { name: 'GET /campaigns/send/{id}/recipients', token: SEND_NF, run: rest('GET', (i) => `/v2/campaigns/send/${i.bSend}/recipients`) },
  { name: 'POST /campaigns/send/{id}/cancel', token: SEND_NF, run: rest('POST', (i) => `/v2/campaigns/send/${i.bSend}/cancel`) },
];

/** A CSV an intruder tries to import into B's address book. */
const INTRUDER_CSV = Buffer.from('Email,BONLY\r\nintruder@example.com,stolen\r\nb.person@example.com,overwritten\r\n');

const contactV1 = (idOrEmail: string) => `<contact>${idOrEmail}<AudienceType>Unknown</AudienceType><OptInType>Unknown</OptInType><EmailType>Html</EmailType></contact>`;

/** v1 SOAP cases. */
export const V1_CASES: IsolationCase[] = [
  { name: 'GetContactById', token: C_NF, run: v1('GetContactById', (i) => `<id>${i.bContact}</id>`) },
  { name: 'GetContactByEmail', token: C_NF, run: v1('GetContactByEmail', (i) => `<email>${x(i.bEmail)}</email>`) },
  { name: 'GetContactStatusByEmail', token: C_NF, run: v1('GetContactStatusByEmail', (i) => `<email>${x(i.bEmail)}</email>`) },
  { name: 'UpdateContact (B id)', token: C_NF, run: v1('UpdateContact', (i) => contactV1(`<ID>${i.bContact}</ID><Email>stolen@example.com</Email>`)) },
  { name: 'ListAddressBooksForContact (B id)', token: C_NF, run: v1('ListAddressBooksForContact', (i) => contactV1(`<ID>${i.bContact}</ID><Email>${x(i.bEmail)}</Email>`)) },
  { name: 'ListContactsInAddressBook', token: B_NF, run: v1('ListContactsInAddressBook', (i) => `<addressBookId>${i.bBook}</addressBookId><select>10</select><skip>0</skip>`) },
  { name: 'ListContactsInAddressBookWithFullData', token: B_NF, run: v1('ListContactsInAddressBookWithFullData', (i) => `<addressBookId>${i.bBook}</addressBookId><select>10</select><skip>0</skip>`) },
  { name: 'ListModifiedContactsInAddressBook', token: B_NF, run: v1('ListModifiedContactsInAddressBook', (i) => `<startDate>2000-01-01T00:00:00</startDate><endDate>2100-01-01T00:00:00</endDate><addressBookID>${i.bBook}</addressBookID>`) },
  { name: 'ListModifiedContactsInAddressBook2', token: B_NF, run: v1('ListModifiedContactsInAddressBook2', (i) => `<addressBookID>${i.bBook}</addressBookID><sinceDate>2000-01-01T00:00:00</sinceDate><select>10</select><skip>0</skip>`) },
  { name: 'ListUnsubscribersAddressBook', token: B_NF, run: v1('ListUnsubscribersAddressBook', (i) => `<startDate>2000-01-01T00:00:00</startDate><addressBookID>${i.bBook}</addressBookID><select>10</select><skip>0</skip>`) },
  { name: 'GetAddressBookContactCount', token: B_NF, run: v1('GetAddressBookContactCount', (i) => `<addressbookid>${i.bBook}</addressbookid>`) },
  { name: 'DeleteAddressBook', token: B_NF, run: v1('DeleteAddressBook', (i) => `<addressbookid>${i.bBook}</addressbookid>`) },
  { name: 'AddContactToAddressBook (B book)', token: B_NF, run: v1('AddContactToAddressBook', (i) => `${contactV1('<ID>-1</ID><Email>intruder@example.com</Email>')}<addressbookId>${i.bBook}</addressbookId>`) },
  { name: 'RemoveContactFromAddressBook (B book)', token: B_NF, run: v1('RemoveContactFromAddressBook', (i) => `${contactV1(`<ID>${i.bContact}</ID><Email>${x(i.bEmail)}</Email>`)}<addressBookId>${i.bBook}</addressBookId><preventAddressbookResubscribe>false</preventAddressbookResubscribe><totalUnsubscribe>false</totalUnsubscribe>`) },
  { name: "RemoveContactFromAddressBook (A book, B contact)", token: C_NF, run: v1('RemoveContactFromAddressBook', (i) => `${contactV1(`<ID>${i.bContact}</ID>`)}<addressBookId>${i.aBook}</addressBookId><preventAddressbookResubscribe>false</preventAddressbookResubscribe><totalUnsubscribe>false</totalUnsubscribe>`) },
  { name: 'RemoveAllContactsFromAddressBook', token: B_NF, run: v1('RemoveAllContactsFromAddressBook', (i) => `<addressBookId>${i.bBook}</addressBookId><preventAddressbookResubscribe>false</preventAddressbookResubscribe><totalUnsubscribe>false</totalUnsubscribe>`) },
  { name: 'ResubscribeContact (B book)', token: B_NF, run: v1('ResubscribeContact', (i) => `${contactV1(`<ID>-1</ID><Email>${x(i.bEmail)}</Email>`)}<addressBookId>${i.bBook}</addressBookId>`) },
  { name: 'ResubscribeContact (B contact id, whole account)', token: C_NF, run: v1('ResubscribeContact', (i) => `${contactV1(`<ID>${i.bContact}</ID>`)}<addressBookId>-1</addressBookId>`) },
  { name: 'DeleteDataField', token: F_NF, run: v1('DeleteDataField', (i) => `<fieldname>${i.bField}</fieldname>`) },
  { name: 'GetContactImportProgress', token: I_NF, run: v1('GetContactImportProgress', (i) => `<progressID>${i.bImport}</progressID>`) },
  { name: 'GetContactImportReport', token: I_NF, run: v1('GetContactImportReport', (i) => `<progressID>${i.bImport}</progressID>`) },
  { name: 'GetContactImportReportFaults', token: I_NF, run: v1('GetContactImportReportFaults', (i) => `<progressID>${i.bImport}</progressID>`) },
  {
    name: "AddContactsToAddressBookWithProgress (B's book)",
    token: B_NF,
    run: v1('AddContactsToAddressBookWithProgress', (i) => `<addressbookID>${i.bBook}</addressbookID><data>${INTRUDER_CSV.toString('base64')}</data><dataType>CSV</dataType>`),
  },
  {
    name: "AddContactsToAddressBook (B's book)",
    token: B_NF,
    run: v1('AddContactsToAddressBook', (i) => `<addressbookID>${i.bBook}</addressbookID><data>${INTRUDER_CSV.toString('base64')}</data><dataType>CSV</dataType>`),
  },
  { name: 'GetCampaign', token: CAMP_NF, run: v1('GetCampaign', (i) => `<campaignId>${i.bCampaign}</campaignId>`) },
  { name: 'ListCampaignActivities', token: CAMP_NF, run: v1('ListCampaignActivities', (i) => `<campaignId>${i.bCampaign}</campaignId><select>10</select><skip>0</skip>`) },
  {
    name: 'UpdateCampaign',
    token: CAMP_NF,
    run: v1('UpdateCampaign', (i) => `<campaign><Id>${i.bCampaign}</Id><Name>Stolen</Name><ReplyAction>Unset</ReplyAction></campaign>`),
  },
  {
    name: "SendCampaignToAddressBooks (B's campaign)",
    token: CAMP_NF,
    run: v1('SendCampaignToAddressBooks', (i) => `<campaignId>${i.bCampaign}</campaignId><addressBookIds><int>${i.aBook}</int></addressBookIds><sendDate>2030-01-01T00:00:00</sendDate>`),
  },
  {
    name: "SendCampaignToAddressBooksWithProgress (B's book)",
    token: B_NF,
    run: v1('SendCampaignToAddressBooksWithProgress', (i) => `<campaignId>${i.aCampaign}</campaignId><addressBookIds><int>${i.bBook}</int></addressBookIds><sendDate>2030-01-01T00:00:00</sendDate>`),
  },
  {
    name: "SendCampaignToContact (B's contact)",
    token: C_NF,
    run: v1('SendCampaignToContact', (i) => `<campaignId>${i.aCampaign}</campaignId><contactid>${i.bContact}</contactid><sendDate>2030-01-01T00:00:00</sendDate>`),
  },
  { name: 'GetCampaignSendProgress', token: SEND_NF, run: v1('GetCampaignSendProgress', (i) => `<progressID>${i.bSend}</progressID>`) },
];

const apiContact = (inner: string) => `<apiContact xmlns:d="http://apiconnector.com">${inner}</apiContact>`;

/** v2 SOAP cases. */
export const V2_CASES: IsolationCase[] = [
  { name: 'GetContactById', token: C_NF, run: v2('GetContactById', (i) => `<id>${i.bContact}</id>`) },
  { name: 'GetContactByEmail', token: C_NF, run: v2('GetContactByEmail', (i) => `<email>${x(i.bEmail)}</email>`) },
  { name: 'UpdateContact', token: C_NF, run: v2('UpdateContact', (i) => apiContact(`<d:Id>${i.bContact}</d:Id><d:Email>stolen@example.com</d:Email>`)) },
  { name: 'DeleteContact', token: C_NF, run: v2('DeleteContact', (i) => `<id>${i.bContact}</id>`) },
  { name: 'UnsubscribeContact (B id)', token: C_NF, run: v2('UnsubscribeContact', (i) => apiContact(`<d:Id>${i.bContact}</d:Id>`)) },
  {
    name: 'ResubscribeContact (B id)',
    token: C_NF,
    run: v2('ResubscribeContact', (i) => `<apiContactResubscription xmlns:d="http://apiconnector.com"><d:UnsubscribedContact><d:Id>${i.bContact}</d:Id></d:UnsubscribedContact></apiContactResubscription>`),
  },
  { name: 'GetAddressBooksForContact', token: C_NF, run: v2('GetAddressBooksForContact', (i) => `<contactId>${i.bContact}</contactId><select>10</select><skip>0</skip>`) },
  { name: 'UpdateAddressBook', token: B_NF, run: v2('UpdateAddressBook', (i) => `<apiAddressBook xmlns:d="http://apiconnector.com"><d:Id>${i.bBook}</d:Id><d:Name>Stolen</d:Name></apiAddressBook>`) },
  { name: 'DeleteAddressBook', token: B_NF, run: v2('DeleteAddressBook', (i) => `<id>${i.bBook}</id>`) },
  { name: 'GetAddressBookContactCount', token: B_NF, run: v2('GetAddressBookContactCount', (i) => `<id>${i.bBook}</id>`) },
  { name: 'GetContactsInAddressBook', token: B_NF, run: v2('GetContactsInAddressBook', (i) => `<addressBookId>${i.bBook}</addressBookId><withFullData>true</withFullData><select>10</select><skip>0</skip>`) },
  { name: 'AddContactToAddressBook (B book)', token: B_NF, run: v2('AddContactToAddressBook', (i) => `<addressBookId>${i.bBook}</addressBookId>${apiContact('<d:Email>intruder@example.com</d:Email>')}`) },
  { name: 'DeleteContactFromAddressBook (B book)', token: B_NF, run: v2('DeleteContactFromAddressBook', (i) => `<addressBookId>${i.bBook}</addressBookId><contactId>${i.bContact}</contactId>`) },
  { name: 'DeleteContactFromAddressBook (A book, B contact)', token: C_NF, run: v2('DeleteContactFromAddressBook', (i) => `<addressBookId>${i.aBook}</addressBookId><contactId>${i.bContact}</contactId>`) },
  { name: 'DeleteAllContactsFromAddressBook', token: B_NF, run: v2('DeleteAllContactsFromAddressBook', (i) => `<addressBookId>${i.bBook}</addressBookId>`) },
  { name: 'UnsubscribeContactFromAddressBook', token: B_NF, run: v2('UnsubscribeContactFromAddressBook', (i) => `<addressBookId>${i.bBook}</addressBookId>${apiContact(`<d:Email>${x(i.bEmail)}</d:Email>`)}`) },
  {
    name: 'ResubscribeContactToAddressBook',
    token: B_NF,
    run: v2('ResubscribeContactToAddressBook', (i) => `<addressBookId>${i.bBook}</addressBookId><apiContactResubscription xmlns:d="http://apiconnector.com"><d:UnsubscribedContact><d:Email>${x(i.bEmail)}</d:Email></d:UnsubscribedContact></apiContactResubscription>`),
  },
  { name: 'GetModifiedContactsInAddressBook', token: B_NF, run: v2('GetModifiedContactsInAddressBook', (i) => `<addressBookId>${i.bBook}</addressBookId><startDate>2000-01-01T00:00:00</startDate><withFullData>true</withFullData><select>10</select><skip>0</skip>`) },
  { name: 'GetUnsubscribedContactsInAddressBook', token: B_NF, run: v2('GetUnsubscribedContactsInAddressBook', (i) => `<addressBookId>${i.bBook}</addressBookId><startDate>2000-01-01T00:00:00</startDate><select>10</select><skip>0</skip>`) },
  { name: 'DeleteDataField', token: F_NF, run: v2('DeleteDataField', (i) => `<fieldName>${i.bField}</fieldName>`) },
  { name: 'GetContactImportProgress', token: I_NF, run: v2('GetContactImportProgress', (i) => `<importId>${i.bImport}</importId>`) },
  { name: 'GetContactImportReport', token: I_NF, run: v2('GetContactImportReport', (i) => `<importId>${i.bImport}</importId>`) },
  { name: 'GetContactImportReportFaults', token: I_NF, run: v2('GetContactImportReportFaults', (i) => `<importId>${i.bImport}</importId>`) },
  { name: 'RefreshSegment', token: S_NF, run: v2('RefreshSegment', (i) => `<segmentId>${i.bSegment}</segmentId>`) },
  { name: 'GetSegmentRefreshProgress', token: S_NF, run: v2('GetSegmentRefreshProgress', (i) => `<refreshId>${i.bSegment}</refreshId>`) },
  {
    name: "ImportContactsToAddressBook (B's book)",
    token: B_NF,
    run: v2('ImportContactsToAddressBook', (i) => `<addressBookId>${i.bBook}</addressBookId><data>${INTRUDER_CSV.toString('base64')}</data><dataType>CSV</dataType>`),
  },
  { name: 'GetCampaignById', token: CAMP_NF, run: v2('GetCampaignById', (i) => `<id>${i.bCampaign}</id>`) },
  { name: 'GetCampaignActivities', token: CAMP_NF, run: v2('GetCampaignActivities', (i) => `<campaignId>${i.bCampaign}</campaignId><select>10</select><skip>0</skip>`) },
  { name: 'GetCampaignOpens', token: CAMP_NF, run: v2('GetCampaignOpens', (i) => `<campaignId>${i.bCampaign}</campaignId><select>10</select><skip>0</skip>`) },
  { name: 'GetCampaignClicks', token: CAMP_NF, run: v2('GetCampaignClicks', (i) => `<campaignId>${i.bCampaign}</campaignId><select>10</select><skip>0</skip>`) },
  {
    name: 'UpdateCampaign',
    token: CAMP_NF,
    run: v2('UpdateCampaign', (i) => `<apiCampaign xmlns:d="http://apiconnector.com"><d:Id>${i.bCampaign}</d:Id><d:Name>Stolen</d:Name></apiCampaign>`),
  },
  {
    name: "SendCampaign (B's campaign)",
    token: CAMP_NF,
    run: v2('SendCampaign', (i) => `<apiCampaignSend xmlns:d="http://apiconnector.com"><d:CampaignId>${i.bCampaign}</d:CampaignId></apiCampaignSend>`),
  },
  {
    name: "SendCampaign (B's book)",
    token: B_NF,
    run: v2(
      'SendCampaign',
      (i) =>
        `<apiCampaignSend xmlns:d="http://apiconnector.com" xmlns:arr="http://schemas.microsoft.com/2003/10/Serialization/Arrays"><d:CampaignId>${i.aCampaign}</d:CampaignId><d:AddressBookIds><arr:int>${i.bBook}</arr:int></d:AddressBookIds></apiCampaignSend>`,
    ),
  },
  {
    name: "SendCampaign (B's contact)",
    token: C_NF,
    run: v2(
      'SendCampaign',
      (i) =>
        `<apiCampaignSend xmlns:d="http://apiconnector.com" xmlns:arr="http://schemas.microsoft.com/2003/10/Serialization/Arrays"><d:CampaignId>${i.aCampaign}</d:CampaignId><d:ContactIds><arr:int>${i.bContact}</arr:int></d:ContactIds></apiCampaignSend>`,
    ),
  },
  { name: 'GetCampaignSendProgress', token: SEND_NF, run: v2('GetCampaignSendProgress', (i) => `<sendId>${i.bSend}</sendId>`) },
];

describe('hardening: tenant isolation matrix (REST, v1 SOAP, v2 SOAP)', function () {
  this.timeout(60_000);
  let app: TestApp;
  let a: TestLogin;
  let b: TestLogin;
  let ids: Ids;

  /** Everything of B's, read through the shared services (dialect-neutral). */
  const snapshotB = async () => {
    const s = app.services;
    const acc = b.accountId;
    const books = await s.addressBooks.list(acc, {});
    return {
      contacts: await s.contacts.list(acc, { withFullData: true }),
      books,
      members: await Promise.all(books.map((k) => s.addressBooks.listContacts(acc, k.id, { withFullData: true }))),
      fields: await s.dataFields.list(acc),
      suppressed: await s.contacts.listSuppressed(acc, '2000-01-01', {}),
      campaigns: await s.campaigns.list(acc, {}),
      surveys: await s.surveys.get(acc, ids.bSurvey),
      activities: await s.campaignReports.contactActivities(acc, ids.bCampaign, {}),
      import: {
        status: await s.imports.status(acc, ids.bImport),
        report: await s.imports.report(acc, ids.bImport),
        faults: (await s.imports.faultsCsv(acc, ids.bImport)).toString('base64'),
      },
      segments: await s.segments.list(acc, {}),
      segment: await s.segments.get(acc, ids.bSegment),
      segmentMembers: await s.segments.listContacts(acc, ids.bSegment, { withFullData: true }),
      segmentHistory: await s.segments.history(acc, ids.bSegment),
      imports: await s.store.knex('imports').where({ account_id: acc }).count({ n: '*' }),
      jobs: await s.store.knex('jobs').where({ account_id: acc }).select('id', 'type', 'status', 'ref').orderBy('id'),
      send: await s.sends.get(acc, ids.bSend),
    };
  };
  let before0: Awaited<ReturnType<typeof snapshotB>>;

  before(async () => {
    app = await startApp();
    a = await app.newAccount('A');
    b = await app.newAccount('B');
    const s = app.services;
    const B = b.accountId;
    await s.dataFields.create(B, { name: 'BONLY', type: 'String' });
    const bBook = (await s.addressBooks.create(B, { name: 'B book' })).id;
    const bc = await s.addressBooks.addContact(B, bBook, { email: 'b.person@example.com', dataFields: { BONLY: 'secret' } });
    await s.addressBooks.addContact(B, bBook, { email: 'b.other@example.com' });
    const bCampaign = (await s.campaigns.create(B, { name: 'B campaign' })).id;
    await s.activities.ingest(B, [{ eventId: 'b-1', type: 'open', campaignId: bCampaign, contactId: bc.id, occurredAt: '2026-01-01T00:00:00Z' } as never]);
    const bSurvey = (await s.surveys.create(B, { name: 'B survey', questions: [{ id: 'q', text: 'Q?', dataField: 'BONLY' }] })).id;
    // A finished import (report and faults exist, so only the account scope can make them not-found) and a
    // refreshed segment with members.
    const bImport = (await s.imports.start(B, { data: Buffer.from('Email,BONLY\nb.import@example.com,imp\nnot-an-email,x\n'), fileName: 'b.csv', dialect: 'rest' })).id;
    const bSegment = (await s.segments.create(B, { name: 'B seg', rules: { all: [{ contact: 'email', op: 'contains', value: 'b.' }] } })).id;
    await s.segments.requestRefresh(B, bSegment, 'manual', { full: true });
    await drainJobs(s);
    expect((await s.imports.status(B, bImport)).status).to.equal('Finished');
    const aBook = (await s.addressBooks.create(a.accountId, { name: 'A book' })).id;
    const aContact = (await s.addressBooks.addContact(a.accountId, aBook, { email: 'a.person@example.com' })).id;
    const aCampaign = (await s.campaigns.create(a.accountId, { name: 'A campaign' })).id;
    const bSendCampaign = (await s.campaigns.create(B, { name: 'B send' })).id;
    const bSend = (await s.sends.send(B, { campaignId: bSendCampaign, addressBookIds: [bBook] })).id;
    ids = { bContact: bc.id, bEmail: bc.email, bBook, bField: 'BONLY', bCampaign, bSurvey, bImport, bSegment, aBook, aContact, aCampaign, bSend };
    before0 = await snapshotB();
    expect(before0.members.flat()).to.have.length.greaterThan(1);
    expect(before0.segmentMembers).to.have.length(3);
  });
  after(() => app.close());

  for (const [dialect, cases] of [['REST', REST_CASES], ['v1 SOAP', V1_CASES], ['v2 SOAP', V2_CASES]] as const) {
    describe(dialect, () => {
      for (const c of cases) {
        it(`${c.name}: A gets ${c.token}, B unchanged`, async () => {
          const o = await c.run({ app, a, ids });
          expect(o.token, o.text.slice(0, 300)).to.equal(c.token);
          if (dialect === 'REST') expect(o.status).to.equal(404);
          else expect(o.status).to.equal(500);
          expect(o.text).not.to.include('secret');
          expect(await snapshotB()).to.deep.equal(before0);
        });
      }
    });
  }
});
