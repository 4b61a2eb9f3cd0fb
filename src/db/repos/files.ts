import { Knex } from 'knex';
import { Dialect } from '../connection';
import { FileKind } from '../../domain/files';

/** A folder row. */
export interface FolderRow {
  id: number;
  parentId: number | null;
  name: string;
}

/** A stored file without its bytes. */
export interface StoredFile {
  id: number;
  kind: FileKind;
  folderId: number | null;
  name: string;
  fileName: string;
  contentType: string;
  size: number;
  publicKey: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A new file to store. */
export interface NewFile {
  accountId: number;
  kind: FileKind;
  folderId: number | null;
  name: string;
  fileName: string;
  contentType: string;
  data: Buffer;
  publicKey: string | null;
  now: number;
}

const META = ['id', 'kind', 'folder_id', 'name', 'file_name', 'content_type', 'size', 'public_key', 'created_at', 'updated_at'];

/** SQL for document/image folders, stored files and campaign attachments. */
export class FileRepo {
  constructor(
    private readonly db: Knex | Knex.Transaction,
    private readonly dialect: Dialect,
  ) {}

  /** Every folder of the account's tree of that kind (callers nest them). */
  async folders(accountId: number, kind: FileKind): Promise<FolderRow[]> {
    const rows = await this.db('file_folders').where({ account_id: accountId, kind }).orderBy('id').select('id', 'parent_id', 'name');
    return rows.map((r) => ({ id: Number(r.id), parentId: r.parent_id === null ? null : Number(r.parent_id), name: r.name }));
  }

  /** One folder of the account's tree of that kind. */
  async folder(accountId: number, kind: FileKind, id: number): Promise<FolderRow | undefined> {
    const r = await this.db('file_folders').where({ account_id: accountId, kind, id }).first('id', 'parent_id', 'name');
    return r ? { id: Number(r.id), parentId: r.parent_id === null ? null : Number(r.parent_id), name: r.name } : undefined;
  }

  /** How many folders the account has of that kind. */
  async folderCount(accountId: number, kind: FileKind): Promise<number> {
    const r = await this.db('file_folders').where({ account_id: accountId, kind }).count({ n: '*' }).first();
    return Number(r?.n ?? 0);
  }

  /** Inserts a folder; returns its id. */
  async createFolder(accountId: number, kind: FileKind, parentId: number | null, name: string, now: number): Promise<number> {
    const [id] = await this.db('file_folders').insert({ account_id: accountId, kind, parent_id: parentId, name, created_at: now });
    return Number(id);
  }

  /** Inserts a file; returns its id. */
  async createFile(f: NewFile): Promise<number> {
    const [id] = await this.db('stored_files').insert({
      account_id: f.accountId,
      kind: f.kind,
      folder_id: f.folderId,
      name: f.name,
      file_name: f.fileName,
      content_type: f.contentType,
      size: f.data.length,
      public_key: f.publicKey,
      data: f.data,
      created_at: f.now,
      updated_at: f.now,
    });
    return Number(id);
  }

  /** One file's metadata. */
  async file(accountId: number, kind: FileKind, id: number): Promise<StoredFile | undefined> {
    const r = await this.db('stored_files').where({ account_id: accountId, kind, id }).first(META);
    return r ? toFile(r) : undefined;
  }

  /** The files of one folder (null = the root), oldest first. */
  async filesIn(accountId: number, kind: FileKind, folderId: number | null): Promise<StoredFile[]> {
    const q = this.db('stored_files').where({ account_id: accountId, kind });
    if (folderId === null) q.whereNull('folder_id');
    else q.where({ folder_id: folderId });
    return (await q.orderBy('id').select(META)).map(toFile);
  }

  /** An image by its public key, with its bytes (the public image route). */
  async imageByKey(key: string): Promise<(StoredFile & { data: Buffer }) | undefined> {
    const r = await this.db('stored_files').where({ public_key: key, kind: 'image' }).first([...META, 'data']);
    return r ? { ...toFile(r), data: Buffer.from(r.data) } : undefined;
  }

  /** Bytes the account stores in all (documents and images). */
  async bytesStored(accountId: number): Promise<number> {
    const r = await this.db('stored_files').where({ account_id: accountId }).sum({ n: 'size' }).first();
    return Number(r?.n ?? 0);
  }

  /** A document's bytes. */
  async content(accountId: number, kind: FileKind, id: number): Promise<Buffer | undefined> {
    const r = await this.db('stored_files').where({ account_id: accountId, kind, id }).first('data');
    return r ? Buffer.from(r.data) : undefined;
  }

  /** Attaches a document to a campaign (idempotent). */
  async attach(accountId: number, campaignId: number, documentId: number, now: number): Promise<void> {
    const exists = await this.db('campaign_attachments').where({ campaign_id: campaignId, document_id: documentId }).first('campaign_id');
    if (!exists) await this.db('campaign_attachments').insert({ account_id: accountId, campaign_id: campaignId, document_id: documentId, created_at: now });
  }

  /** Detaches a document from a campaign; returns rows removed. */
  async detach(accountId: number, campaignId: number, documentId: number): Promise<number> {
    return this.db('campaign_attachments').where({ account_id: accountId, campaign_id: campaignId, document_id: documentId }).delete();
  }

  /** A campaign's attached documents, in attaching order. */
  async attachments(accountId: number, campaignId: number): Promise<StoredFile[]> {
    const rows = await this.db('campaign_attachments as a')
      .join('stored_files as f', 'f.id', 'a.document_id')
      .where({ 'a.account_id': accountId, 'a.campaign_id': campaignId })
      .orderBy([{ column: 'a.created_at' }, { column: 'f.id' }])
      .select(META.map((c) => `f.${c}`));
    return rows.map(toFile);
  }

  /** How many documents a campaign has attached. */
  async attachmentCount(campaignId: number): Promise<number> {
    const r = await this.db('campaign_attachments').where({ campaign_id: campaignId }).count({ n: '*' }).first();
    return Number(r?.n ?? 0);
  }
}

function toFile(r: Record<string, unknown>): StoredFile {
  return {
    id: Number(r.id),
    kind: r.kind as FileKind,
    folderId: r.folder_id === null ? null : Number(r.folder_id),
    name: String(r.name),
    fileName: String(r.file_name),
    contentType: String(r.content_type),
    size: Number(r.size),
    publicKey: (r.public_key as string | null) ?? null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
