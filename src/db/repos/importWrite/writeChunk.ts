// The import write port: writeChunk writes one chunk's valid rows into the contacts table and owns every engine
// strategy for it; the service keeps one decision (DecideRow) over what it finds. Strategies, chosen per import and
// chunk (docs/imports.md, "How a chunk is written"):
//   - lookup first (any engine; MySQL without RETURNING; any chunk after a claim of this import was displaced):
//     existing contacts and earlier claims looked up, then one bound upsert;
//   - new first, bound (SQLite with marks): the rows inserted as new contacts, only the rest looked up;
//   - new first, LOAD DATA (MariaDB taking LOCAL INFILE): the parser's lines loaded as new contacts, the rest looked up;
//   - claim first, SQL text (MariaDB otherwise): one INSERT ... ON DUPLICATE KEY UPDATE of the parser's tuples inserts
//     the new contacts and marks the existing ones, which come back to be decided.
// A chunk whose LOAD DATA the server read otherwise is written again bound (withBoundFallback).
// A transactional-data import (records keyed per collection, attached to contacts) is meant to get a writeRecords
// beside writeChunk on this port: the same chunk message from the parser thread, its own statements here.
import { Knex } from 'knex';
import { AudienceType, EmailType, OptInType } from '../../../domain/enums';
import { ImportChunk, RowText, ValidRows } from '../../../domain/importChunk';
import { Dialect } from '../../connection';
import type { ImportRecord } from '../imports';
import { ContactSql, ContactUpsert, DisplacedClaim, ExistingContact, LoadRejected } from './contactSql';
import { PreparedSql } from './preparedSql';

/** What the port found for a valid row whose email the account or this import already had. */
export interface RowFinding {
  /** The row's index in chunk.valid(). */
  row: number;
  /** An earlier row of this import (an earlier chunk or run) took the email; first wins, so it is never written. */
  duplicate: boolean;
  /** The account's contact with this email (undefined only for a duplicate found without a contact lookup). */
  existing: ExistingContact | undefined;
  /** The existing contact is unsubscribed from the import's address book. */
  unsubscribedFromBook: boolean;
}

/**
 * The service's decision on a found row: true writes the row over the existing contact, false leaves the contact as
 * it is (its email still counts as taken by this import). A duplicate is never written, whatever the answer.
 */
export type DecideRow = (f: RowFinding) => boolean;

/** What writing a chunk did. */
export interface ChunkWritten {
  /** New contacts created (rows the port did not ask about). */
  created: number;
  /** Ids of the contacts written, new and updated (already added to the import's book). */
  touched: number[];
}

/**
 * Runs a chunk's transaction with its row text, and once more without it when the engine read the text other than it
 * was written (LoadRejected; the transaction rolled back): bound statements then fail loudly instead.
 */
export async function withBoundFallback<T>(chunk: ImportChunk, run: (chunk: ImportChunk) => Promise<T>): Promise<T> {
  try {
    return await run(chunk);
  } catch (e) {
    if (!(e instanceof LoadRejected) || chunk.text === undefined) throw e;
    return run(chunk.withoutText());
  }
}

/** The import write port, on one transaction. */
export class ImportWriteRepo extends PreparedSql {
  /** The contact statements the strategies use (tests reach them here). */
  readonly sql: ContactSql;

  constructor(db: Knex | Knex.Transaction, dialect: Dialect) {
    super(db, dialect);
    this.sql = new ContactSql(db, dialect);
  }

  /** True when this import finds duplicates by contact marks (it has a mark and the engine has RETURNING). */
  async usesMarks(imp: ImportRecord): Promise<boolean> {
    return imp.mark !== null && (await this.returning());
  }

  /**
   * Which row text the parser thread makes for this import's chunks (MariaDB with marks): 'load' (LOAD DATA lines)
   * where the server takes LOAD DATA LOCAL INFILE and `allowLoad` is set, 'sql' (SQL tuples) otherwise; none
   * elsewhere. why: on MariaDB binding rows on the job thread and the keyed lookup of every row cost most of a chunk
   * (figures in docs/imports.md); parser-made text does without both for the rows that are new contacts.
   */
  async rowText(imp: ImportRecord, allowLoad: boolean): Promise<RowText['kind'] | undefined> {
    if (this.dialect !== 'mysql' || !(await this.usesMarks(imp))) return undefined;
    return allowLoad && (await this.loadAllowed()) ? 'load' : 'sql';
  }

  /**
   * True when this import's chunks without row text insert their rows as new contacts first, bound, and look up only
   * the rest: SQLite with marks. why: on SQLite the keyed lookup of every row is a large share of a chunk (figures in
   * docs/imports.md), and a chunk's rows are mostly new contacts.
   */
  async bindsNewFirst(imp: ImportRecord): Promise<boolean> {
    return this.dialect === 'sqlite' && (await this.usesMarks(imp));
  }

  /**
   * Writes the chunk's valid rows (checked by the parser thread, repeats inside the chunk already rejected) in the
   * strategy this import and chunk take; asks `decide` about every row whose email was taken before, and adds the
   * written contacts to the import's book. Throws LoadRejected when the server misread the chunk's LOAD DATA lines.
   */
  async writeChunk(imp: ImportRecord, chunk: ImportChunk, now: number, decide: DecideRow): Promise<ChunkWritten> {
    if (!chunk.validRows) return { created: 0, touched: [] };
    const text = chunk.text;
    const newFirst = text !== undefined || (await this.bindsNewFirst(imp));
    // why: a claim in import_seen (displaced by another import, or handed over by a deleted or renamed contact) must be
    // checked before a row is written; that rare chunk is looked up first.
    const out =
      !newFirst || (await this.sql.hasDisplaced(imp.id))
        ? await this.lookupFirst(imp, chunk.valid(), indexes(chunk.validRows), now, decide)
        : text?.kind === 'sql'
          ? await this.claimFirst(imp, chunk, text.sql, now, decide)
          : await this.newFirst(imp, chunk, text?.bytes, now, decide);
    if (imp.addressBookId !== null && out.touched.length) await this.sql.addMembers(imp.accountId, imp.addressBookId, out.touched, now);
    return out;
  }

  /**
   * New contacts first: the parser's LOAD DATA lines (`lines`) loaded as they are, else the rows bound (insertNew);
   * existing emails are skipped, and only those rows then take lookupFirst.
   */
  private async newFirst(imp: ImportRecord, chunk: ImportChunk, lines: Uint8Array | undefined, now: number, decide: DecideRow): Promise<ChunkWritten> {
    const loaded = lines !== undefined ? await this.sql.loadNew(imp.accountId, lines, chunk.validRows, now, imp.mark!) : undefined;
    // why: every row was a new contact: nothing per row is needed, so the chunk's rows are never decoded here.
    if (loaded?.allNew) return { created: loaded.ids.length, touched: loaded.ids };
    const p = chunk.valid();
    const all = indexes(chunk.validRows);
    const created = loaded ? loaded.byKey : await this.sql.insertNew(imp.accountId, all.map((i) => newUpsert(p, i)), now, imp.mark!);
    const touched = [...created.values()];
    // why: those rows existed before this chunk (the parser already rejected repeats inside it), so their marks tell
    // earlier rows of this import apart from other contacts exactly as in lookupFirst.
    const rest = created.size === all.length ? [] : all.filter((i) => !created.has(p.key(i)));
    if (!rest.length) return { created: created.size, touched };
    const more = await this.lookupFirst(imp, p, rest, now, decide);
    return { created: created.size + more.created, touched: [...touched, ...more.touched] };
  }

  /**
   * Claim first (MariaDB, parser-made SQL tuples): one statement inserts the new contacts and marks the existing ones;
   * only existing contacts to be written are then upserted with binds. Nothing is bound per new row, no keyed lookup.
   */
  private async claimFirst(imp: ImportRecord, chunk: ImportChunk, values: string, now: number, decide: DecideRow): Promise<ChunkWritten> {
    const mark = imp.mark!;
    const { created, existing } = await this.sql.insertOrClaim(imp.accountId, values, now, mark);
    const touched = [...created.values()];
    if (existing.size) {
      // why: first wins across chunks and runs, as in lookupFirst: the mark this statement replaced being this import's
      // own means an earlier row of this import took the email (writeChunk checked import_seen is empty).
      const earlier = new Set<string>();
      const displaced: DisplacedClaim[] = [];
      for (const [k, ex] of existing) {
        if (ex.mark === mark) earlier.add(k);
        else if (ex.mark !== null) displaced.push({ mark: ex.mark, key: k });
      }
      const bookUnsub = await this.bookUnsubscribed(imp, existing);
      const p = chunk.valid();
      const upserts: ContactUpsert[] = [];
      for (let i = 0; i < p.length; i++) {
        const key = p.key(i);
        const ex = existing.get(key);
        if (!ex) continue;
        const duplicate = earlier.has(key);
        if (decide({ row: i, duplicate, existing: ex, unsubscribedFromBook: bookUnsub.has(ex.id) }) && !duplicate) {
          upserts.push(existingUpsert(p, i, ex));
          touched.push(ex.id);
        }
      }
      if (upserts.length) await this.sql.upsertContacts(imp.accountId, upserts, now, mark);
      await this.sql.recordDisplaced(imp.accountId, displaced);
    }
    return { created: created.size, touched };
  }

  /**
   * Lookup first: finds duplicates of earlier chunks and runs, the existing contacts and their book status for the
   * rows at these indexes, asks `decide` about them and upserts the new rows and the rows to write.
   */
  private async lookupFirst(imp: ImportRecord, p: ValidRows, rows: number[], now: number, decide: DecideRow): Promise<ChunkWritten> {
    const keys = rows.map((i) => p.key(i));
    // why: duplicates are first-wins: the first row with an email is imported, later ones count in duplicateEmails.
    // With marks, the contact lookup itself tells which emails this import took in earlier chunks (and runs): their
    // contact carries its mark, or another import displaced the mark and recorded the claim for it in import_seen.
    const marks = await this.usesMarks(imp);
    let earlier: Set<string>;
    let existing: Map<string, ExistingContact>;
    if (marks) {
      existing = await this.sql.existing(imp.accountId, keys);
      earlier = await this.sql.displacedOf(imp.id, keys);
      for (const [k, ex] of existing) if (ex.mark === imp.mark) earlier.add(k);
    } else {
      earlier = await this.sql.claimKeys(imp.id, keys);
      existing = await this.sql.existing(imp.accountId, keys.filter((k) => !earlier.has(k)));
    }
    const bookUnsub = await this.bookUnsubscribed(imp, existing);
    const unwritten: number[] = [];
    const upserts: ContactUpsert[] = [];
    const touched: number[] = [];
    const newKeys: string[] = [];
    for (const i of rows) {
      const key = p.key(i);
      const ex = existing.get(key);
      if (earlier.has(key)) decide({ row: i, duplicate: true, existing: ex, unsubscribedFromBook: ex !== undefined && bookUnsub.has(ex.id) });
      else if (!ex) {
        upserts.push(newUpsert(p, i));
        newKeys.push(key);
      } else if (decide({ row: i, duplicate: false, existing: ex, unsubscribedFromBook: bookUnsub.has(ex.id) })) {
        upserts.push(existingUpsert(p, i, ex));
        touched.push(ex.id);
      } else unwritten.push(ex.id);
    }
    const mark = marks ? imp.mark : null;
    const written = await this.sql.upsertContacts(imp.accountId, upserts, now, mark);
    if (mark !== null) {
      // why: a contact left unwritten is not changed, but its email is taken all the same (a later row is a duplicate).
      const displaced = unwritten.length ? [...written.displaced, ...(await this.sql.markTaken(imp.accountId, unwritten, mark))] : written.displaced;
      await this.sql.recordDisplaced(imp.accountId, displaced);
    }
    if (newKeys.length) {
      const ids = written.ids ?? (await this.sql.idsByKeys(imp.accountId, newKeys));
      for (const k of newKeys) {
        const cid = ids.get(k);
        if (cid !== undefined) touched.push(cid);
      }
    }
    return { created: newKeys.length, touched };
  }

  /** Of these existing contacts, the ids of those unsubscribed from the import's book (none without a book). */
  private async bookUnsubscribed(imp: ImportRecord, existing: Map<string, ExistingContact>): Promise<Set<number>> {
    if (imp.addressBookId === null || !existing.size) return new Set<number>();
    return this.sql.unsubscribedFromBook(imp.addressBookId, [...existing.values()].map((e) => e.id));
  }
}

/** 0 ..< n. */
function indexes(n: number): number[] {
  const out = new Array<number>(n);
  for (let j = 0; j < n; j++) out[j] = j;
  return out;
}

/** A valid row as a new contact (the defaults of a contact the file says nothing about). */
function newUpsert(p: ValidRows, i: number): ContactUpsert {
  return {
    email: p.email(i),
    emailKey: p.key(i),
    optInType: p.optInType(i) ?? 'Unknown',
    emailType: p.emailType(i) ?? 'Html',
    audienceType: p.audienceType(i) ?? 'Unknown',
    notes: p.notes(i) ?? null,
    data: p.newData(i),
  };
}

/** A valid row over an existing contact: given columns replace, empty ones keep the stored value. */
function existingUpsert(p: ValidRows, i: number, ex: ExistingContact): ContactUpsert {
  return {
    email: p.email(i),
    emailKey: p.key(i),
    optInType: (p.optInType(i) ?? ex.optInType) as OptInType,
    emailType: (p.emailType(i) ?? ex.emailType) as EmailType,
    audienceType: (p.audienceType(i) ?? ex.audienceType) as AudienceType,
    notes: p.notes(i) ?? ex.notes,
    data: p.patch(i),
    wasMark: ex.mark,
  };
}
