import { checkBase64Length, FILE_MAX_BASE64_CHARS } from '../../../domain/files';
import { arrayOf, complex, ComplexType, Field, Operation, xs, XsdType } from '../shared/xsd';

// The v2 documents, images and campaign attachments types and operations (issue #21), described once; spread into
// V2_OPERATIONS (schema.ts). Member names, order, optionality and nillability are the vendor WSDL's.

const D = 'http://apiconnector.com';
const opt = (name: string, type: XsdType | (() => XsdType), nillable = false): Field => ({ name, type, optional: true, nillable });

/** ApiDocument. */
export const ApiDocument = complex(D, 'ApiDocument', [
  opt('Id', xs.int),
  opt('Name', xs.string, true),
  opt('FileName', xs.string, true),
  opt('FileSize', xs.int),
  opt('DateCreated', xs.dateTime),
  opt('DateModified', xs.dateTime),
]);
/** ApiImage (Path: the URL the image is served at). */
export const ApiImage = complex(D, 'ApiImage', [opt('Id', xs.int), opt('Name', xs.string, true), opt('Path', xs.string, true)]);

/** A recursive folder type: Id, Name (required, nillable), ChildFolders (ArrayOf itself). */
function folderType(name: string): { folder: ComplexType; list: ComplexType } {
  const fields: Field[] = [opt('Id', xs.int), { name: 'Name', type: xs.string, nillable: true }];
  const folder = complex(D, name, fields);
  const list = arrayOf(D, folder);
  fields.push(opt('ChildFolders', () => list, true));
  return { folder, list };
}
const doc = folderType('ApiDocumentFolder');
const img = folderType('ApiImageFolder');
/** ApiDocumentFolder. */
export const ApiDocumentFolder = doc.folder;
/** ApiImageFolder. */
export const ApiImageFolder = img.folder;
const documentList = arrayOf(D, ApiDocument);

// why: an upload's base64 is refused by its length before the decoder turns it into a buffer (domain/files.ts cap).
const data: Field = { ...opt('data', xs.base64Binary, true), maxBase64: { chars: FILE_MAX_BASE64_CHARS, check: checkBase64Length } };

type Op = (name: string, input: Field[], result?: XsdType) => Operation;

/** The operations, in the vendor's order; `op` is schema.ts's own (result `<Op>Result`, optional and nillable). */
export function v2FileOperations(op: Op): Operation[] {
  const folderId = opt('folderId', xs.int);
  const campaignId = opt('campaignId', xs.int);
  return [
    op('GetImageFolders', [], img.list),
    op('GetImageFolderById', [folderId], ApiImageFolder),
    op('CreateImageFolder', [folderId, opt('folder', ApiImageFolder, true)], ApiImageFolder),
    op('UploadImage', [folderId, opt('filename', xs.string, true), data], ApiImage),
    op('GetDocuments', [folderId], documentList),
    op('GetDocumentFolders', [], doc.list),
    op('GetCampaignAttachments', [campaignId], documentList),
    op('CreateDocumentFolder', [folderId, opt('folder', ApiDocumentFolder, true)], ApiDocumentFolder),
    op('UploadDocument', [folderId, opt('filename', xs.string, true), data], ApiDocument),
    op('AttachDocumentToCampaign', [campaignId, opt('document', ApiDocument, true)]),
    op('DetachDocumentFromCampaign', [campaignId, opt('documentId', xs.int)]),
  ];
}
