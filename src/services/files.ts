import { randomBytes } from 'node:crypto';
import { Clock } from '../lib/clock';
import { DomainError } from '../domain/errors';
import { checkBase64Length, checkSize, FileKind, fileName, FILES_MAX_BYTES_PER_ACCOUNT, FOLDER_MAX_DEPTH, FOLDER_MAX_PER_ACCOUNT, sniff } from '../domain/files';
import { Repos, Store } from '../db/store';
import { FolderRow, StoredFile } from '../db/repos/files';
import { CampaignService } from './campaigns';

export type { StoredFile } from '../db/repos/files';

/** A folder with its sub-folders, as every dialect answers a folder tree. */
export interface FolderTree {
  id: number;
  name: string;
  children: FolderTree[];
}

/** An upload as a transport hands it over: the file name and the bytes, or the base64 text not yet decoded. */
export interface UploadInput {
  folderId: unknown;
  fileName: unknown;
  /** Decoded bytes (SOAP, already size-checked by the decoder), or base64 text (REST), checked here before decoding. */
  data: unknown;
}

/** Most documents one campaign may carry. */
const MAX_ATTACHMENTS = 20;
/** The root folder of each tree (documents and images alike): id 0, as the vendor's "use 0 for the top level". */
export const ROOT_FOLDER_ID = 0;

/**
 * Documents and images, each kind in a folder tree of its own per account. Files are stored in the database (durable,
 * shared by every gateway process), at most FILE_MAX_BYTES each, and accepted only when their bytes are an allowed type;
 * the type they are served with is the one recognised, never the caller's. Images get an unguessable public key: the
 * URL the API answers serves them without a login (as the vendor's image URLs did, for email clients).
 */
export class FileService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly campaigns: CampaignService,
    private readonly opts: { maxAccountBytes: number } = { maxAccountBytes: FILES_MAX_BYTES_PER_ACCOUNT },
  ) {}

  /** The account's folder tree of that kind: its top-level folders, each with its sub-folders. */
  async folders(accountId: number, kind: FileKind): Promise<FolderTree[]> {
    return nest(await this.store.repos.files.folders(accountId, kind), null);
  }

  /** One folder with its sub-folders (0: the root, named after the kind). */
  async folder(accountId: number, kind: FileKind, id: unknown): Promise<FolderTree> {
    const n = folderId(id);
    if (n === null) return { id: ROOT_FOLDER_ID, name: kind === 'image' ? 'Images' : 'Documents', children: await this.folders(accountId, kind) };
    const all = await this.store.repos.files.folders(accountId, kind);
    const f = all.find((x) => x.id === n);
    if (!f) throw new DomainError('FOLDER_NOT_FOUND');
    return { id: f.id, name: f.name, children: nest(all, f.id) };
  }

  /** Creates a folder under a parent (0: at the top level); names are unique among siblings. */
  async createFolder(accountId: number, kind: FileKind, parent: unknown, name: unknown): Promise<FolderTree> {
    const parentId = folderId(parent);
    const n = fileName(name, 'Name');
    return this.store.tx(async (r) => {
      const all = await r.files.folders(accountId, kind);
      if (parentId !== null && !all.some((f) => f.id === parentId)) throw new DomainError('FOLDER_NOT_FOUND', 'The parent folder was not found.');
      if (all.length >= FOLDER_MAX_PER_ACCOUNT) throw new DomainError('FOLDER_INVALID', `An account may have at most ${FOLDER_MAX_PER_ACCOUNT} ${kind} folders.`);
      if (depth(all, parentId) >= FOLDER_MAX_DEPTH) throw new DomainError('FOLDER_INVALID', `Folders may be nested at most ${FOLDER_MAX_DEPTH} deep.`);
      if (all.some((f) => f.parentId === parentId && f.name.toLowerCase() === n.toLowerCase())) {
        throw new DomainError('FOLDER_INVALID', `A folder named "${n}" already exists there.`);
      }
      const id = await r.files.createFolder(accountId, kind, parentId, n, this.clock.now());
      return { id, name: n, children: [] };
    });
  }

  /** The files of one folder (0: the root). */
  async files(accountId: number, kind: FileKind, folder: unknown): Promise<StoredFile[]> {
    const id = await this.mustFolder(this.store.repos, accountId, kind, folder);
    return this.store.repos.files.filesIn(accountId, kind, id);
  }

  /**
   * Stores an upload in a folder: base64 text is length-checked before it is decoded, the bytes are size-checked and
   * recognised by content (domain/files.ts), and the file is written in one statement. Images get a public key.
   */
  async upload(accountId: number, kind: FileKind, input: UploadInput): Promise<StoredFile> {
    const name = fileName(input.fileName, 'The file name');
    const data = bytes(input.data);
    checkSize(data.length);
    const type = sniff(kind, name, data);
    return this.store.tx(async (r) => {
      const folder = await this.mustFolder(r, accountId, kind, input.folderId);
      if ((await r.files.bytesStored(accountId)) + data.length > this.opts.maxAccountBytes) {
        throw new DomainError('FILE_STORAGE_FULL', `An account may store at most ${Math.floor(this.opts.maxAccountBytes / 1024 / 1024)} MB of documents and images.`);
      }
      const id = await r.files.createFile({
        accountId,
        kind,
        folderId: folder,
        name: name.replace(/\.[^.]*$/, '') || name,
        fileName: name,
        contentType: type.contentType,
        data,
        // why: 32 random bytes; the URL is the only secret guarding an image, as with the vendor's image host.
        publicKey: kind === 'image' ? randomBytes(24).toString('base64url') : null,
        now: this.clock.now(),
      });
      return (await r.files.file(accountId, kind, id))!;
    });
  }

  /** A document's metadata and bytes (for a download with Content-Disposition). */
  async document(accountId: number, id: unknown): Promise<{ file: StoredFile; data: Buffer }> {
    const n = numericId(id, 'DOCUMENT_NOT_FOUND');
    const file = await this.store.repos.files.file(accountId, 'document', n);
    const data = file && (await this.store.repos.files.content(accountId, 'document', n));
    if (!file || !data) throw new DomainError('DOCUMENT_NOT_FOUND');
    return { file, data };
  }

  /** An image by the public key of its URL (no login: anyone with the URL, as with the vendor's image host). */
  async publicImage(key: unknown): Promise<StoredFile & { data: Buffer }> {
    if (typeof key !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(key)) throw new DomainError('IMAGE_NOT_FOUND');
    const f = await this.store.repos.files.imageByKey(key);
    if (!f) throw new DomainError('IMAGE_NOT_FOUND');
    return f;
  }

  /** Attaches one of the account's documents to one of its campaigns (again: no change); returns the document. */
  async attach(accountId: number, campaign: unknown, document: unknown): Promise<StoredFile> {
    return this.store.tx(async (r) => {
      const c = await this.campaigns.mustGet(r, accountId, campaign);
      const d = await r.files.file(accountId, 'document', numericId(document, 'DOCUMENT_NOT_FOUND'));
      if (!d) throw new DomainError('DOCUMENT_NOT_FOUND');
      if ((await r.files.attachmentCount(c.id)) >= MAX_ATTACHMENTS) throw new DomainError('PARAMETER_INVALID', `A campaign may carry at most ${MAX_ATTACHMENTS} documents.`);
      await r.files.attach(accountId, c.id, d.id, this.clock.now());
      return d;
    });
  }

  /** Detaches a document from a campaign; DOCUMENT_NOT_FOUND when it was not attached. */
  async detach(accountId: number, campaign: unknown, document: unknown): Promise<void> {
    await this.store.tx(async (r) => {
      const c = await this.campaigns.mustGet(r, accountId, campaign);
      const n = await r.files.detach(accountId, c.id, numericId(document, 'DOCUMENT_NOT_FOUND'));
      if (n === 0) throw new DomainError('DOCUMENT_NOT_FOUND', 'That document is not attached to the campaign.');
    });
  }

  /** The documents attached to a campaign. */
  async attachments(accountId: number, campaign: unknown): Promise<StoredFile[]> {
    const c = await this.campaigns.mustGet(this.store.repos, accountId, campaign);
    return this.store.repos.files.attachments(accountId, c.id);
  }

  private async mustFolder(r: Repos, accountId: number, kind: FileKind, v: unknown): Promise<number | null> {
    const id = folderId(v);
    if (id !== null && !(await r.files.folder(accountId, kind, id))) throw new DomainError('FOLDER_NOT_FOUND');
    return id;
  }
}

/** A folder id argument: 0 (or absent) is the root (null); otherwise a whole number of 1 or more. */
function folderId(v: unknown): number | null {
  if (v === undefined || v === null || v === '') return null;
  const n = numericId(v, 'FOLDER_NOT_FOUND', true);
  return n === 0 ? null : n;
}

function numericId(v: unknown, code: 'FOLDER_NOT_FOUND' | 'DOCUMENT_NOT_FOUND', zero = false): number {
  const n = typeof v === 'string' && /^\s*\d{1,10}\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < (zero ? 0 : 1) || n > 2_147_483_647) throw new DomainError(code);
  return n;
}

/** The bytes of an upload: a Buffer as decoded, or base64 text checked for length before it is decoded. */
function bytes(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (typeof v !== 'string') throw new DomainError('PARAMETER_INVALID', 'The file data (base64) is required.');
  checkBase64Length(v.length);
  const b = v.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b) || b.length % 4 === 1) throw new DomainError('PARAMETER_INVALID', 'The file data is not valid base64.');
  return Buffer.from(b, 'base64');
}

/** The sub-folders of parent, recursively. */
function nest(all: readonly FolderRow[], parent: number | null): FolderTree[] {
  return all.filter((f) => f.parentId === parent).map((f) => ({ id: f.id, name: f.name, children: nest(all, f.id) }));
}

/** How deep a folder sits (the root: 0). */
function depth(all: readonly FolderRow[], id: number | null): number {
  let d = 0;
  for (let at = id; at !== null && d <= FOLDER_MAX_DEPTH; d++) at = all.find((f) => f.id === at)?.parentId ?? null;
  return d;
}
