import { arrayOf, complex, ComplexType, xs, XsdType } from '../soap/shared/xsd';
import * as v2 from '../soap/v2/schema';
import * as tx from '../soap/v2/transactionalDataSchema';
import { apiTemplate } from '../soap/v2/templatesSchema';
import { ApiSms } from '../soap/v2/sendersSchema';

// The v2 data types (in http://apiconnector.com) REST reads and writes as XML, from the same descriptors as SOAP.
// A route entry names its answer's type here (`xml: 'ArrayOfApiContact'`); request bodies are known by root element.

const D = v2.DATA_NS;
// why: the REST ApiAddressBook gained Contacts after the 2013 SOAP schema [WADL].
const RestAddressBook = complex(D, 'ApiAddressBook', [...v2.ApiAddressBook.fields, { name: 'Contacts', type: xs.int, optional: true }]);
const ArrayOfint = arrayOf(v2.ARR_NS, xs.int, 'int', false);
const list = (t: ComplexType) => arrayOf(D, t);
// why: clicks with groups exist only in the REST grammar (no v2 SOAP operation returns them): the click's members, then
// the link's id and its groups, as the REST listing orders them.
const ApiCampaignLinkGroup = complex(D, 'ApiCampaignLinkGroup', [
  { name: 'Name', type: xs.string, optional: true, nillable: true },
  { name: 'DateCreated', type: xs.dateTime, optional: true },
]);
const ApiCampaignContactClickWithGroups = complex(D, 'ApiCampaignContactClickWithGroups', [
  ...v2.ApiCampaignContactClick.fields,
  { name: 'LinkId', type: xs.int, optional: true },
  { name: 'Groups', type: arrayOf(D, ApiCampaignLinkGroup), optional: true },
]);
const ApiTemplate = apiTemplate(v2.enums.campaignReplyAction);

/** The XML answer types of REST routes, by type name (each type's own name: ArrayOfX for a list of X). */
const RESPONSE_TYPES = {
  ApiAccount: v2.ApiAccount,
  ApiContact: v2.ApiContact,
  ArrayOfApiContact: list(v2.ApiContact),
  ApiContactSuppression: v2.ApiContactSuppression,
  ArrayOfApiContactSuppression: list(v2.ApiContactSuppression),
  ApiAddressBook: RestAddressBook,
  ArrayOfApiAddressBook: list(RestAddressBook),
  ApiDataField: v2.ApiDataField,
  ArrayOfApiDataField: list(v2.ApiDataField),
  ApiDependencyResult: v2.ApiDependencyResult,
  ApiContactImport: v2.ApiContactImport,
  ApiContactImportReport: v2.ApiContactImportReport,
  ArrayOfApiSegment: list(v2.ApiSegment),
  ApiSegmentRefresh: v2.ApiSegmentRefresh,
  ApiCampaign: v2.ApiCampaign,
  ArrayOfApiCampaign: list(v2.ApiCampaign),
  ApiCampaignSend: v2.ApiCampaignSend,
  // Campaign reporting (#20): the v2 report types, whose member order the REST grammar shares.
  ApiCampaignSummary: v2.ApiCampaignSummary,
  ApiCampaignContactSummary: v2.ApiCampaignContactSummary,
  ArrayOfApiCampaignContactSummary: list(v2.ApiCampaignContactSummary),
  ArrayOfApiCampaignContactOpen: list(v2.ApiCampaignContactOpen),
  ArrayOfApiCampaignContactClick: list(v2.ApiCampaignContactClick),
  ArrayOfApiCampaignContactClickWithGroups: list(ApiCampaignContactClickWithGroups),
  ArrayOfApiCampaignContactPageView: list(v2.ApiCampaignContactPageView),
  ArrayOfApiCampaignContactReply: list(v2.ApiCampaignContactReply),
  ArrayOfApiCampaignContactSocialBookmarkView: list(v2.ApiCampaignContactSocialBookmarkView),
  ArrayOfApiCampaignContactRoiDetail: list(v2.ApiCampaignContactRoiDetail),
  ApiTransactionalData: tx.ApiTransactionalData,
  ArrayOfApiTransactionalData: tx.ArrayOfApiTransactionalData,
  ApiTransactionalDataImport: tx.ApiTransactionalDataImport(v2.guid),
  ApiTransactionalDataImportReport: tx.ApiTransactionalDataImportReport,
  ApiTemplate,
  ArrayOfApiTemplate: list(ApiTemplate),
  ApiCampaignFromAddress: v2.ApiCampaignFromAddress,
  ArrayOfApiCampaignFromAddress: list(v2.ApiCampaignFromAddress),
} satisfies Record<string, XsdType>;

/** The name of a REST XML answer type (what a route entry's `xml` names). */
export type RestXmlTypeName = keyof typeof RESPONSE_TYPES;

/** Every REST XML answer type name. */
export const REST_XML_TYPE_NAMES = Object.keys(RESPONSE_TYPES) as RestXmlTypeName[];

/** The XML answer type of that name. */
export function restXmlType(name: RestXmlTypeName): XsdType {
  return RESPONSE_TYPES[name];
}

/** Types a request body may have, by root element name. */
export const BODY_TYPES = new Map<string, XsdType>(
  [v2.ApiContact, RestAddressBook, v2.ApiDataField, v2.ApiContactResubscription, ArrayOfint, v2.ApiCampaign, v2.ApiCampaignSend, ApiTemplate, v2.ApiCampaignFromAddress, ApiSms].map((t) => [t.q.name, t]),
);
