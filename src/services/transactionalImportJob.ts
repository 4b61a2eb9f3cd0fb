// The transactional-data import job: one stored import (the contact imports' table, stored pieces, job queue, lease,
// cursor and faults) read back record by record and committed chunk by chunk. A chunk is one transaction: its
// records validated, their contacts resolved with one set-based query per kind (ids, emails), the valid records
// written with multi-row upserts, the faults, the segment change log (which contacts changed) and the cursor. A
// crash resumes after the last committed chunk; a second holder of a lost lease never commits a chunk twice.
import { Clock } from '../lib/clock';
import { emptyReport } from '../domain/importReport';
import { contactRef, isValidKey, isValidRecordJson } from '../domain/transactionalData';
import { Store } from '../db/store';
import { FaultRow } from '../db/repos/imports';
import { TxWrite } from '../db/repos/transactionalData';
import { SegmentHooks } from './segmentHooks';
import { SegmentChange } from './segmentDeps';
import { ImportJobContext } from './importJob';

/** One stored import item: key, contact identifier and JSON text, as the caller sent them (validated by the job). */
export type StoredItem = [unknown, unknown, unknown];

/** The reasons an import item is refused (the vendor's ApiTransactionalDataImportFaultReason members). */
export type TxFaultReason = 'InvalidClientKey' | 'InvalidContactIdentifier' | 'InvalidJson' | 'DuplicateKey' | 'ContactIdDoesNotExist' | 'ContactEmailDoesNotExist';

class CursorMoved extends Error {}

/** What a transactional write changed, for the segment engine: the collection's records of the contacts. */
export function txChange(collection: string): SegmentChange {
  return { collections: [collection] };
}

/**
 * Encodes import items into pieces of about pieceBytes, each holding whole items. An item is a header line
 * `[key, contactIdentifier, n]` and, when the JSON is a string, its n UTF-8 bytes and a newline.
 * why: the record's JSON goes as its own bytes, not as a string inside another JSON text, so storing and reading it
 * back never escapes or unescapes it (the job parses each record once, to validate it).
 */
export function encodeItems(items: ReadonlyArray<StoredItem>, pieceBytes: number): Buffer[] {
  const pieces: Buffer[] = [];
  let parts: Buffer[] = [];
  let len = 0;
  const nl = Buffer.from('\n');
  for (const [key, ci, json] of items) {
    const body = typeof json === 'string' ? Buffer.from(json, 'utf8') : undefined;
    const head = Buffer.from(`${JSON.stringify(body ? [key, ci, body.length] : [key, ci, null, json])}\n`, 'utf8');
    parts.push(head);
    len += head.length;
    if (body) {
      parts.push(body, nl);
      len += body.length + 1;
    }
    if (len >= pieceBytes) {
      pieces.push(Buffer.concat(parts, len));
      parts = [];
      len = 0;
    }
  }
  if (len) pieces.push(Buffer.concat(parts, len));
  return pieces;
}

/** The items of one stored piece (encodeItems). */
export function* decodePiece(piece: Buffer): Generator<StoredItem> {
  let pos = 0;
  while (pos < piece.length) {
    const end = piece.indexOf(0x0a, pos);
    const head = JSON.parse(piece.toString('utf8', pos, end)) as [unknown, unknown, number | null, unknown?];
    pos = end + 1;
    if (typeof head[2] === 'number') {
      yield [head[0], head[1], piece.toString('utf8', pos, pos + head[2])];
      pos += head[2] + 1;
    } else yield [head[0], head[1], head[3] ?? null];
  }
}

/** One run of a transactional-data import's job. */
export class TransactionalImportJob {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly hooks: SegmentHooks,
    private readonly chunkRows: number,
  ) {}

  /** Runs or resumes the import; 'released' when the heartbeat says stop or another holder moved the cursor. */
  async run(id: string, ctx: ImportJobContext): Promise<'done' | 'released'> {
    const repo = this.store.repos.imports;
    const imp = await repo.get(id);
    if (!imp || imp.status !== 'NotFinished') return 'done';
    await repo.markStarted(id, this.clock.now());
    let done = imp.rowsDone;
    // why: first wins for a key repeated in one import; the keys of the items before the cursor are read again on a
    // resume (they are skipped, not written), so the decision is the same whichever run makes it.
    const seen = new Set<string>();
    let chunk: StoredItem[] = [];
    let rowNo = 0;
    try {
      for await (const item of this.items(id)) {
        rowNo++;
        if (rowNo <= done) {
          if (isValidKey(item[0])) seen.add(item[0]);
          continue;
        }
        chunk.push(item);
        if (chunk.length >= this.chunkRows) {
          if (!(await ctx.heartbeat())) return 'released';
          await this.commit(imp.id, imp.accountId, imp.fileName, done, chunk, seen, false);
          done += chunk.length;
          chunk = [];
        }
      }
      if (!(await ctx.heartbeat())) return 'released';
      await this.commit(imp.id, imp.accountId, imp.fileName, done, chunk, seen, true);
    } catch (e) {
      if (e instanceof CursorMoved) return 'released';
      throw e;
    }
    await repo.cleanup(id);
    return 'done';
  }

  /** The stored items in order, piece by piece (each piece holds whole items: encodeItems). */
  private async *items(id: string): AsyncGenerator<StoredItem> {
    for (let seq = 0; ; seq++) {
      const piece = await this.store.repos.imports.blob(id, seq);
      if (!piece) break;
      yield* decodePiece(piece);
    }
  }

  /** One chunk in one transaction (retried whole on deadlocks; the seen-key set changes only after it commits). */
  private async commit(id: string, accountId: number, collection: string, before: number, items: StoredItem[], seen: Set<string>, final: boolean): Promise<void> {
    const keysHere = new Set<string>();
    await this.store.tx(async (r) => {
      keysHere.clear();
      const faults: FaultRow[] = [];
      const fault = (i: number, key: unknown, reason: TxFaultReason) =>
        faults.push({ rowNo: before + i + 1, reason, email: typeof key === 'string' ? key.slice(0, 300) : '', cells: [] });
      type Pending = { i: number; key: string; json: string; ref: NonNullable<ReturnType<typeof contactRef>> };
      const pending: Pending[] = [];
      items.forEach(([key, ci, json], i) => {
        if (!isValidKey(key)) return fault(i, key, 'InvalidClientKey');
        if (seen.has(key) || keysHere.has(key)) return fault(i, key, 'DuplicateKey');
        keysHere.add(key);
        const ref = contactRef(ci);
        if (!ref) return fault(i, key, 'InvalidContactIdentifier');
        if (!isValidRecordJson(json)) return fault(i, key, 'InvalidJson');
        pending.push({ i, key, json, ref });
      });
      // Contacts: one set-based query per kind for the whole chunk, never one per row.
      const ids = await r.transactionalData.existingContactIds(accountId, [...new Set(pending.flatMap((p) => (p.ref.kind === 'id' ? [p.ref.id] : [])))]);
      const emails = await r.transactionalData.contactIdsByEmailKey(accountId, [...new Set(pending.flatMap((p) => (p.ref.kind === 'email' ? [p.ref.key] : [])))]);
      const writes: TxWrite[] = [];
      for (const p of pending) {
        let contactId: number | null = null;
        if (p.ref.kind === 'id') {
          if (!ids.has(p.ref.id)) {
            fault(p.i, p.key, 'ContactIdDoesNotExist');
            continue;
          }
          contactId = p.ref.id;
        } else if (p.ref.kind === 'email') {
          const found = emails.get(p.ref.key);
          if (found === undefined) {
            fault(p.i, p.key, 'ContactEmailDoesNotExist');
            continue;
          }
          contactId = found;
        }
        writes.push({ key: p.key, contactId, json: p.json });
      }
      // Which contacts changed: the new owners and the owners of records this chunk replaces.
      // why: only an account with real-time segments records changes (SegmentHooks.bulkWrite); without any, the
      // former owners of replaced records are not looked up at all.
      const follow = writes.length > 0 && (await r.segments.ofKind(accountId, 'realtime')).length > 0;
      const owners = follow ? await r.transactionalData.ownersOf(accountId, collection, writes.map((w) => w.key)) : new Map<string, number | null>();
      const now = this.clock.now();
      if (writes.length) await r.transactionalData.upsertMany(accountId, collection, writes, now);
      faults.sort((a, b) => a.rowNo - b.rowNo);
      if (faults.length) await r.imports.addFaults(id, faults);
      const touched = new Set<number>();
      for (const w of writes) if (w.contactId !== null) touched.add(w.contactId);
      for (const o of owners.values()) if (o !== null) touched.add(o);
      if (touched.size) await this.hooks.bulkWrite(r, accountId, [...touched], txChange(collection));
      const after = before + items.length;
      const ok = await r.imports.saveProgress(id, before, {
        rowsDone: after,
        cursor: { rows: after },
        report: emptyReport(),
        ...(final ? { status: 'Finished' as const, totalRows: after, finishedAt: now, errorCode: null } : {}),
      });
      if (!ok) throw new CursorMoved();
    });
    for (const k of keysHere) seen.add(k);
  }
}
