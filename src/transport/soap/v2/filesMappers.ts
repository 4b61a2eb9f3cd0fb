import { TransportServices } from '../../../services';
import { Actor } from '../../../services/accounts';
import { FolderTree, StoredFile } from '../../../services/files';
import { SoapCall, SoapHandler } from '../shared/endpoint';
import { requestBase } from '../shared/http';
import { Decoded } from '../shared/decode';
import { imageUrl } from '../../http/files';

// v2 SOAP wire names of documents, images and campaign attachments (ApiDocument, ApiImage, Api*Folder) live only here.

type Rec = Record<string, unknown>;
type C = SoapCall<Actor>;

/** ApiDocumentFolder / ApiImageFolder out, with its sub-folders. */
export function folderOut(f: FolderTree): Rec {
  return { Id: f.id, Name: f.name, ChildFolders: f.children.map(folderOut) };
}

/** ApiDocument out. */
export function documentOut(d: StoredFile): Rec {
  return { Id: d.id, Name: d.name, FileName: d.fileName, FileSize: d.size, DateCreated: d.createdAt, DateModified: d.updatedAt };
}

/** ApiImage out: Path is the public URL the image is served at. */
export function imageOut(base: string, i: StoredFile): Rec {
  return { Id: i.id, Name: i.name, Path: imageUrl(base, i) };
}

const obj = (v: unknown): Decoded => (v && typeof v === 'object' && !Buffer.isBuffer(v) && !Array.isArray(v) ? (v as Decoded) : Object.create(null));

/** The handlers of the v2 file operations (filesSchema.ts). */
export function v2FileHandlers(s: TransportServices): Record<string, SoapHandler<Actor>> {
  const acc = (c: C) => c.actor.accountId;
  return {
    GetImageFolders: async (c) => (await s.files.folders(acc(c), 'image')).map(folderOut),
    GetImageFolderById: async (c) => folderOut(await s.files.folder(acc(c), 'image', c.args.folderId)),
    CreateImageFolder: async (c) => folderOut(await s.files.createFolder(acc(c), 'image', c.args.folderId, obj(c.args.folder).Name)),
    UploadImage: async (c) =>
      imageOut(requestBase(c.req), await s.files.upload(acc(c), 'image', { folderId: c.args.folderId, fileName: c.args.filename, data: c.args.data })),
    GetDocuments: async (c) => (await s.files.files(acc(c), 'document', c.args.folderId)).map(documentOut),
    GetDocumentFolders: async (c) => (await s.files.folders(acc(c), 'document')).map(folderOut),
    GetCampaignAttachments: async (c) => (await s.files.attachments(acc(c), c.args.campaignId)).map(documentOut),
    CreateDocumentFolder: async (c) => folderOut(await s.files.createFolder(acc(c), 'document', c.args.folderId, obj(c.args.folder).Name)),
    UploadDocument: async (c) =>
      documentOut(await s.files.upload(acc(c), 'document', { folderId: c.args.folderId, fileName: c.args.filename, data: c.args.data })),
    AttachDocumentToCampaign: async (c) => {
      await s.files.attach(acc(c), c.args.campaignId, obj(c.args.document).Id);
    },
    DetachDocumentFromCampaign: async (c) => {
      await s.files.detach(acc(c), c.args.campaignId, c.args.documentId);
    },
  };
}
