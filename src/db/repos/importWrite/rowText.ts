// The row encoders of the import write port: how the parser thread writes each valid row a second time as text the
// engine takes as it is (ImportChunk.text). Loaded on the parser thread too, so it imports nothing heavier than domain.
import { ImportRowJson } from '../../../domain/importFile';
import { RowText, RowTextEncoder } from '../../../domain/importChunk';

/**
 * A MySQL string literal that means the same under every sql_mode. why: with NO_BACKSLASH_ESCAPES a backslash is a
 * plain character, without it an escape; a text holding a backslash (or NUL) is sent as a hex literal instead, and a
 * quote is doubled, which both modes read alike.
 */
export function sqlLiteral(s: string): string {
  if (/[\\\0]/.test(s)) return `_utf8mb4 X'${Buffer.from(s, 'utf8').toString('hex')}'`;
  return s.includes("'") ? `'${s.replace(/'/g, "''")}'` : `'${s}'`;
}

const LOAD_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\0': '\\0' };

/**
 * A field of a LOAD DATA line (fields ended by tab, lines by newline, escapes by backslash): backslash, tab, newline
 * and NUL are escaped, so the server reads back exactly the text (a text `\N` goes as `\\N`, not as NULL).
 */
export function loadField(s: string): string {
  return /[\\\t\n\0]/.test(s) ? s.replace(/[\\\t\n\0]/g, (c) => LOAD_ESCAPES[c]) : s;
}

/**
 * A row as a LOAD DATA line of a new contact (ContactSql.loadNew's columns; the defaults of a new contact). The account,
 * the time and the mark are set by the LOAD statement itself. \N is LOAD DATA's NULL.
 */
function loadLine(p: ImportRowJson): string {
  const notes = p.notes === undefined ? '\\N' : loadField(p.notes);
  return (
    `${loadField(p.email)}\t${loadField(p.key)}\t${p.optInType ?? 'Unknown'}\t${p.emailType ?? 'Html'}\t${p.audienceType ?? 'Unknown'}\t` +
    `${notes}\t${loadField(p.newData)}\n`
  );
}

/**
 * A row as an SQL tuple of a new contact (ContactSql.insertOrClaim's columns, UPSERT_COLS then import_mark and
 * import_mark_was). The account, the time and the mark are session variables set per chunk.
 */
function sqlTuple(p: ImportRowJson): string {
  return (
    `(@cg_account,${sqlLiteral(p.email)},${sqlLiteral(p.key)},'${p.optInType ?? 'Unknown'}','${p.emailType ?? 'Html'}',` +
    `'${p.audienceType ?? 'Unknown'}',${p.notes === undefined ? 'NULL' : sqlLiteral(p.notes)},'Subscribed',` +
    `${sqlLiteral(p.newData)},@cg_now,@cg_now,@cg_mark,0)`
  );
}

/** The encoder the parser thread packs row text with (ImportWriteRepo.rowText says which kind an import takes). */
export function rowTextEncoder(kind: RowText['kind']): RowTextEncoder {
  return kind === 'load' ? { kind, encode: loadLine } : { kind, encode: sqlTuple };
}
