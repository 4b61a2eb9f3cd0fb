import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Request, Response } from 'express';
import busboy from 'busboy';
import { continueIfExpected } from '../../http/body';
import { DomainError } from '../../../domain/errors';
import { REPORT_KEYS } from '../../../domain/importReport';
import { TransportServices } from '../../../services';
import { ImportState } from '../../../services/imports';
import { actorOf } from '../auth';
import { ci } from '../input';
import { ref, str } from '../openapiSchemas';
import { Route } from '../route';

/** Starts an import from a multipart upload or a JSON body with base64 `data`; answers 202 with its id. */
async function upload(s: TransportServices, req: Request, res: Response, addressBookId?: string): Promise<void> {
  const accountId = actorOf(res).accountId;
  let state: ImportState;
  if (req.is('multipart/form-data')) {
    const spooled = await spoolMultipart(req, res, s.config.importMaxBytes);
    try {
      state = await s.imports.startFile(accountId, { addressBookId, fileName: spooled.fileName, path: spooled.path, dialect: 'rest' });
    } finally {
      fs.rm(spooled.path, { force: true }, () => undefined);
    }
  } else {
    const b = ci(req.body);
    const data = b.get('data');
    const fileName = b.get('fileName');
    if (typeof data !== 'string' || !data.trim()) throw new DomainError('PARAMETER_INVALID', 'data must hold the file as base64.');
    if (fileName !== undefined && fileName !== null && typeof fileName !== 'string') throw new DomainError('PARAMETER_INVALID', 'fileName must be text.');
    state = await s.imports.start(accountId, { addressBookId, fileName: fileName ?? undefined, data: Buffer.from(data, 'base64'), dialect: 'rest' });
  }
  res.status(202).json({ id: state.id, status: state.status });
}

const tag = 'Imports';
const importBody = ref('ApiContactImportUpload');

/** Contact import routes: upload (multipart or JSON base64), status, report, faults CSV. */
export const importRoutes: Route[] = [
  {
    method: 'post', path: '/contacts/import', kind: 'vendor', tag, summary: 'Import a CSV/xlsx file of contacts (multipart, or JSON with base64 data).', body: importBody,
    ok: [202, ref('ApiContactImport')], errors: [413], xml: 'ApiContactImport',
    handler: (req, res, { s }) => upload(s, req, res),
  },
  {
    method: 'post', path: '/address-books/:addressBookId/contacts/import', kind: 'vendor', tag, summary: 'Import contacts into an address book.', body: importBody,
    ok: [202, ref('ApiContactImport')], errors: [413], xml: 'ApiContactImport',
    handler: (req, res, { s }) => upload(s, req, res, String(req.params.addressBookId)),
  },
  {
    method: 'get', path: '/contacts/import/:importId', kind: 'vendor', tag, summary: 'Import status.', ok: [200, ref('ApiContactImport')], xml: 'ApiContactImport',
    handler: async (req, res, { s }) => {
      const st = await s.imports.status(actorOf(res).accountId, req.params.importId);
      res.json({ id: st.id, status: st.status });
    },
  },
  {
    method: 'get', path: '/contacts/import/:importId/report', kind: 'vendor', tag, summary: 'Import report (404 while unfinished).', ok: [200, ref('ApiContactImportReport')],
    xml: 'ApiContactImportReport',
    handler: async (req, res, { s }) => {
      const rep = await s.imports.report(actorOf(res).accountId, req.params.importId);
      res.json(Object.fromEntries(REPORT_KEYS.map((k) => [k, rep[k]])));
    },
  },
  {
    method: 'get', path: '/contacts/import/:importId/report-faults', kind: 'vendor', tag, summary: 'Rejected rows as CSV (404 while unfinished).', ok: [200, str], okType: 'text/csv',
    handler: async (req, res, { s }) => {
      const csv = await s.imports.faultsCsv(actorOf(res).accountId, req.params.importId);
      res.type('text/csv; charset=utf-8').send(csv);
    },
  },
];

// Room for the multipart framing (boundaries, part headers, small fields) around the file itself.
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/**
 * Streams the one file part of a multipart body to a temp file, counting bytes; stops reading and fails with
 * REQUEST_TOO_LARGE as soon as the limit is passed, MULTI_FILE_UPLOAD_NOT_ALLOWED on a second file part. Imports and
 * document/image uploads (routes/files.ts) use it.
 */
export function spoolMultipart(req: Request, res: Response, maxBytes: number, what = 'The import file'): Promise<{ path: string; fileName?: string }> {
  // why: a declared length that cannot hold a file under the cap is refused before a byte is read (or 100 sent).
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD_BYTES) {
    res.setHeader('Connection', 'close');
    return Promise.reject(new DomainError('REQUEST_TOO_LARGE', `${what} is larger than ${maxBytes} bytes.`));
  }
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes } });
    } catch {
      reject(new DomainError('MALFORMED_REQUEST', 'The multipart body cannot be read.'));
      return;
    }
    const tmp = path.join(os.tmpdir(), `contactgate-import-${randomUUID()}`);
    let settled = false;
    let written: Promise<void> | undefined;
    let fileName: string | undefined;
    const fail = (e: DomainError) => {
      if (settled) return;
      settled = true;
      // why: stop reading the rest of an oversized or invalid body; the connection closes after the answer.
      req.unpipe(bb);
      res.setHeader('Connection', 'close');
      fs.rm(tmp, { force: true }, () => undefined);
      reject(e);
    };
    bb.on('file', (_field, file, info) => {
      // why: clients name the part `file`, `Contacts` or `csv`; any field name is accepted.
      fileName = info.filename;
      file.on('limit', () => fail(new DomainError('REQUEST_TOO_LARGE', `${what} is larger than ${maxBytes} bytes.`)));
      written = pipeline(file, fs.createWriteStream(tmp)).catch((e) => {
        if (!settled) fail(new DomainError('MALFORMED_REQUEST', `The upload could not be stored: ${(e as Error).message}`));
      });
    });
    bb.on('filesLimit', () => fail(new DomainError('MULTI_FILE_UPLOAD_NOT_ALLOWED')));
    bb.on('error', () => fail(new DomainError('MALFORMED_REQUEST', 'The multipart body cannot be read.')));
    bb.on('close', async () => {
      if (settled) return;
      if (!written) return fail(new DomainError('PARAMETER_INVALID', 'The multipart body holds no file part.'));
      await written;
      if (settled) return;
      settled = true;
      resolve({ path: tmp, fileName });
    });
    continueIfExpected(req);
    req.pipe(bb);
  });
}
