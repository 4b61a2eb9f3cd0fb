import fs from 'node:fs';
import { Request, Response } from 'express';
import { FILE_MAX_BYTES } from '../../../domain/files';
import { FolderTree, StoredFile } from '../../../services/files';
import { spoolMultipart } from './imports';
import { fileHeaders, imageUrl, PUBLIC_IMAGE_ROUTE } from '../../http/files';
import { requestBase } from '../../soap/shared/http';
import { actorOf } from '../auth';
import { ci } from '../input';
import { isoDate } from '../mappers';
import { arrayOf, ref, str } from '../openapiSchemas';
import { Route } from '../route';

// REST documents, images and campaign attachments (issue #21): the vendor's routes, plus the public route an image's
// URL points at and an authenticated document download (extensions).

/** apiDocumentFolder / apiImageFolder (REST casing), with sub-folders. */
export function folderJson(f: FolderTree): Record<string, unknown> {
  return { id: f.id, name: f.name, childFolders: f.children.map(folderJson) };
}

/** apiDocument (REST casing). */
export function documentJson(d: StoredFile): Record<string, unknown> {
  return { id: d.id, name: d.name, fileName: d.fileName, fileSize: d.size, dateCreated: isoDate(d.createdAt), dateModified: isoDate(d.updatedAt) };
}

/** apiImage (REST casing): path is the public URL. */
export function imageJson(base: string, i: StoredFile): Record<string, unknown> {
  return { id: i.id, name: i.name, path: imageUrl(base, i) };
}

const docs = { kind: 'vendor', tag: 'Documents', xml: null } as const;
const imgs = { kind: 'vendor', tag: 'Images', xml: null } as const;

/**
 * The upload of a request: a multipart file part (streamed to a temp file under the same cap as the base64 path, so
 * never more than FILE_MAX_BYTES is read) or an ApiFileMedia JSON body, whose base64 text the service length-checks
 * before decoding it.
 */
async function media(req: Request, res: Response): Promise<{ fileName: unknown; data: unknown }> {
  if (req.is('multipart/form-data')) {
    const spooled = await spoolMultipart(req, res, FILE_MAX_BYTES, 'The file');
    try {
      return { fileName: spooled.fileName, data: await fs.promises.readFile(spooled.path) };
    } finally {
      fs.rm(spooled.path, { force: true }, () => undefined);
    }
  }
  const b = ci(req.body);
  return { fileName: b.get('fileName'), data: b.get('data') };
}

/** The routes (specific paths before parameterised ones within each group). */
export const fileRoutes: Route[] = [
  {
    ...docs, method: 'get', path: '/document-folders', summary: 'The document folder tree.', ok: [200, arrayOf(ref('ApiDocumentFolder'))],
    handler: async (_req, res, { s }) => res.json((await s.files.folders(actorOf(res).accountId, 'document')).map(folderJson)),
  },
  {
    ...docs, method: 'get', path: '/document-folders/:folderId/documents', summary: 'The documents of a folder (0: the top level).', ok: [200, arrayOf(ref('ApiDocument'))],
    handler: async (req, res, { s }) => res.json((await s.files.files(actorOf(res).accountId, 'document', req.params.folderId)).map(documentJson)),
  },
  {
    ...docs, method: 'post', path: '/document-folders/:folderId/documents', summary: 'Upload a document (JSON with base64 data, or multipart; at most 5 MB; PDF, Office, TXT, CSV or an image).',
    body: ref('ApiFileMedia'), ok: [200, ref('ApiDocument')], errors: [413],
    handler: async (req, res, { s }) => {
      const m = await media(req, res);
      res.json(documentJson(await s.files.upload(actorOf(res).accountId, 'document', { folderId: req.params.folderId, ...m })));
    },
  },
  {
    ...docs, method: 'post', path: '/document-folders/:folderId', summary: 'Create a document folder inside a folder (0: at the top level).',
    body: ref('ApiDocumentFolder'), ok: [201, ref('ApiDocumentFolder')],
    handler: async (req, res, { s }) =>
      res.status(201).json(folderJson(await s.files.createFolder(actorOf(res).accountId, 'document', req.params.folderId, ci(req.body).get('name')))),
  },
  {
    ...imgs, method: 'get', path: '/image-folders', summary: 'The image folder tree.', ok: [200, arrayOf(ref('ApiImageFolder'))],
    handler: async (_req, res, { s }) => res.json((await s.files.folders(actorOf(res).accountId, 'image')).map(folderJson)),
  },
  {
    ...imgs, method: 'post', path: '/image-folders/:folderId/images', summary: 'Upload an image (JSON with base64 data, or multipart; at most 5 MB; PNG, JPEG, GIF or WebP).',
    body: ref('ApiFileMedia'), ok: [200, ref('ApiImage')], errors: [413],
    handler: async (req, res, { s }) => {
      const m = await media(req, res);
      res.json(imageJson(requestBase(req), await s.files.upload(actorOf(res).accountId, 'image', { folderId: req.params.folderId, ...m })));
    },
  },
  {
    ...imgs, method: 'get', path: '/image-folders/:id', summary: 'An image folder with its sub-folders (0: the top level).', ok: [200, ref('ApiImageFolder')],
    handler: async (req, res, { s }) => res.json(folderJson(await s.files.folder(actorOf(res).accountId, 'image', req.params.id))),
  },
  {
    ...imgs, method: 'post', path: '/image-folders/:id', summary: 'Create an image folder inside a folder (0: at the top level).',
    body: ref('ApiImageFolder'), ok: [201, ref('ApiImageFolder')],
    handler: async (req, res, { s }) =>
      res.status(201).json(folderJson(await s.files.createFolder(actorOf(res).accountId, 'image', req.params.id, ci(req.body).get('name')))),
  },
  {
    ...docs, tag: 'Campaigns', method: 'get', path: '/campaigns/:campaignId/attachments', summary: 'The documents attached to a campaign.', ok: [200, arrayOf(ref('ApiDocument'))],
    handler: async (req, res, { s }) => res.json((await s.files.attachments(actorOf(res).accountId, req.params.campaignId)).map(documentJson)),
  },
  {
    ...docs, tag: 'Campaigns', method: 'post', path: '/campaigns/:campaignId/attachments', summary: 'Attach a document (by id) to a campaign.',
    body: ref('ApiDocument'), ok: [200, ref('ApiDocument')],
    handler: async (req, res, { s }) => res.json(documentJson(await s.files.attach(actorOf(res).accountId, req.params.campaignId, ci(req.body).get('id')))),
  },
  {
    method: 'delete', path: '/campaigns/:campaignId/attachments/:documentId', kind: 'vendor', tag: 'Campaigns', summary: 'Detach a document from a campaign.', ok: [204],
    handler: async (req, res, { s }) => {
      await s.files.detach(actorOf(res).accountId, req.params.campaignId, req.params.documentId);
      res.status(204).end();
    },
  },
  {
    method: 'get', path: '/documents/:id/content', kind: 'extension', tag: 'Documents', summary: 'Download a document (as an attachment, with the type recognised at upload).',
    ok: [200, str], okType: 'application/octet-stream',
    handler: async (req, res, { s }) => {
      const { file, data } = await s.files.document(actorOf(res).accountId, req.params.id);
      res.status(200).set(fileHeaders(file, true)).end(data);
    },
  },
  {
    method: 'get', path: PUBLIC_IMAGE_ROUTE, kind: 'extension', open: true, tag: 'Images',
    summary: 'An uploaded image, at the URL the upload answered (no login: the key in the URL is the secret, as on the vendor image host).',
    ok: [200, str], okType: 'image/*',
    handler: async (req, res, { s }) => {
      const f = await s.files.publicImage(req.params.key);
      res.status(200).set({ ...fileHeaders(f, false), 'Cache-Control': 'public, max-age=86400' }).end(f.data);
    },
  },
];
