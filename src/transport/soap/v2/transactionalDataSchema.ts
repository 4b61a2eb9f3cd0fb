import { arrayOf, complex, enumType, Field, Operation, SimpleType, xs, XsdType } from '../shared/xsd';

// The v2 (WCF) transactional-data types and operations (issue #19), described once: the WSDL, decoding and encoding
// follow. Member names, order, nillability and the enums' members are the vendor WSDL's exactly.
// why: the two transactional enums have no NotAvailableInThisVersion member in the vendor's v2 WSDL (unlike the others).

const D = 'http://apiconnector.com';
const opt = (name: string, type: XsdType, nillable = false): Field => ({ name, type, optional: true, nillable });

/** ApiTransactionalData {Key, ContactIdentifier, Json}; Json is the record as a JSON string. */
export const ApiTransactionalData = complex(D, 'ApiTransactionalData', [
  opt('Key', xs.string, true),
  opt('ContactIdentifier', xs.string, true),
  opt('Json', xs.string, true),
]);
/** ArrayOfApiTransactionalData. */
export const ArrayOfApiTransactionalData = arrayOf(D, ApiTransactionalData);
/** ApiTransactionalDataImportStatuses. */
export const TxImportStatuses = enumType(D, 'ApiTransactionalDataImportStatuses', ['NotStarted', 'NotFinished', 'Finished', 'Failed']);
/** ApiTransactionalDataImportFaultReason. */
export const TxFaultReasons = enumType(D, 'ApiTransactionalDataImportFaultReason', [
  'InvalidClientKey',
  'InvalidContactIdentifier',
  'InvalidJson',
  'DuplicateKey',
  'ContactIdDoesNotExist',
  'ContactEmailDoesNotExist',
]);
/** ApiTransactionalDataImportReportFault {Key, Reason}. */
export const ApiTransactionalDataImportReportFault = complex(D, 'ApiTransactionalDataImportReportFault', [opt('Key', xs.string, true), opt('Reason', TxFaultReasons)]);
/** ApiTransactionalDataImportReport. */
export const ApiTransactionalDataImportReport = complex(D, 'ApiTransactionalDataImportReport', [
  opt('TotalItems', xs.int),
  opt('TotalImported', xs.int),
  opt('TotalRejected', xs.int),
  opt('Faults', arrayOf(D, ApiTransactionalDataImportReportFault), true),
]);
/** ApiTransactionalDataImport {Id, Status} (the REST answer of an import; the SOAP operations answer the parts). */
export const ApiTransactionalDataImport = (guid: SimpleType) => complex(D, 'ApiTransactionalDataImport', [opt('Id', guid), opt('Status', TxImportStatuses)]);

/** What the main v2 schema lends this file (defined there once). */
export interface V2BaseTypes {
  guid: SimpleType;
  op(name: string, input: Field[], result?: XsdType, nillableResult?: boolean, doc?: string): Operation;
}

/** The nine transactional-data operations, in the vendor's order. */
export function v2TransactionalDataOperations(t: V2BaseTypes): Operation[] {
  const { op } = t;
  const collection = opt('dataCollection', xs.string, true);
  const key = opt('key', xs.string, true);
  const contact = opt('contactIdentifier', xs.string, true);
  const importId = opt('importId', t.guid);
  return [
    op('AddTransactionalData', [collection, opt('transactionalData', ApiTransactionalData, true)], undefined, true, 'Adds (or replaces by key) one record; segments follow at once.'),
    op(
      'ImportTransactionalData',
      [collection, opt('transactionalData', ArrayOfApiTransactionalData, true)],
      t.guid,
      false,
      'Bulk adds records; segments refresh later (deferred).',
    ),
    op('GetTransactionalDataProgress', [importId], TxImportStatuses, false),
    op('GetTransactionalDataImportReport', [importId], ApiTransactionalDataImportReport),
    op('DeleteTransactionalDataByKey', [collection, key]),
    op('DeleteTransactionalDataByContact', [collection, contact]),
    op('GetTransactionalDataByKey', [collection, key], ApiTransactionalData),
    op('GetTransactionalDataByContact', [collection, contact], ArrayOfApiTransactionalData),
    op('ReplaceTransactionalDataByKey', [collection, key, opt('json', xs.string, true)]),
  ];
}
