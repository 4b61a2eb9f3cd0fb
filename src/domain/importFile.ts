import { DataValue, emailKey, isValidEmail } from './contact';
import { coerceFieldValue, DataField } from './dataField';
import { AUDIENCE_TYPES, AudienceType, ContactStatus, EMAIL_TYPES, EmailType, matchEnum, OPT_IN_TYPES, OptInType } from './enums';
import { sniffEncoding } from './importEncoding';
import { ImportReport } from './importReport';

/** File formats an import can arrive in. */
export type ImportFormat = 'csv' | 'xlsx' | 'xls';

/**
 * Decides the real format of an upload: magic bytes first (zip `PK` = xlsx, OLE2 = legacy xls), then the declared
 * type or the file name's extension. Text that claims to be Excel is read as CSV; unknown binary is refused.
 */
export function detectFormat(head: Buffer, dataType?: string, fileName?: string): ImportFormat | undefined {
  // why: clients say XLS and send xlsx, or say CSV for a CSV; the bytes decide, the label only breaks ties.
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
  if (head.length >= 4 && head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) return 'xls';
  if (!declaredTextType(dataType, fileName)) return undefined;
  // why: UTF-16 (and UTF-32) text is full of NUL bytes; a byte-order mark says it is text all the same.
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff) || (head[0] === 0 && head[1] === 0 && head[2] === 0xfe && head[3] === 0xff)) return 'csv';
  if (head.subarray(0, 4096).includes(0)) return undefined; // binary that is neither zip nor OLE2
  return 'csv';
}

function declaredTextType(dataType?: string, fileName?: string): boolean {
  const declared = (dataType ?? extensionOf(fileName) ?? 'csv').trim().toLowerCase();
  return ['csv', 'xls', 'xlsx', 'txt', ''].includes(declared);
}

/** Why an upload whose format is undefined (or legacy xls) cannot be imported: the fault reason and its details. */
export function unsupportedReason(
  head: Buffer,
  format: ImportFormat | undefined,
  dataType?: string,
  fileName?: string,
): { reason: 'UnsupportedFormat' | 'UnsupportedEncoding'; text: string } {
  if (format === 'xls') return { reason: 'UnsupportedFormat', text: 'legacy Excel 97-2003 (.xls) workbooks are not read; save the sheet as .xlsx or CSV' };
  if (!declaredTextType(dataType, fileName)) {
    return { reason: 'UnsupportedFormat', text: `the file type "${(dataType ?? extensionOf(fileName) ?? '').trim()}" is not supported; send CSV or xlsx` };
  }
  const sniffed = sniffEncoding(head);
  if ('unsupported' in sniffed) return { reason: 'UnsupportedEncoding', text: sniffed.unsupported };
  return { reason: 'UnsupportedFormat', text: 'the file is binary data (it has NUL bytes), neither CSV text nor an xlsx workbook' };
}

function extensionOf(fileName?: string): string | undefined {
  const m = fileName ? /\.([A-Za-z0-9]+)$/.exec(fileName.trim()) : null;
  return m ? m[1] : undefined;
}

/** What one column of an import file holds. */
export type ImportColumn =
  | { kind: 'email' }
  | { kind: 'field'; field: DataField }
  | { kind: 'optInType' }
  | { kind: 'emailType' }
  | { kind: 'audienceType' }
  | { kind: 'notes' }
  | { kind: 'ignored' }
  | { kind: 'unknown'; name: string };

/** The header row mapped to columns. */
export interface HeaderMap {
  columns: ImportColumn[];
  emailIndex: number;
  unknown: string[];
}

/** Maps header cells to the account's data fields and the reserved columns, case-insensitively. */
export function mapHeader(header: string[], fields: DataField[]): HeaderMap {
  const byName = new Map(fields.map((f) => [f.name, f]));
  let emailIndex = -1;
  const unknown: string[] = [];
  const columns = header.map((raw, i): ImportColumn => {
    const name = String(raw ?? '').trim();
    const up = name.toUpperCase();
    if (up === 'EMAIL' && emailIndex < 0) {
      emailIndex = i;
      return { kind: 'email' };
    }
    if (up === 'OPTINTYPE') return { kind: 'optInType' };
    if (up === 'EMAILTYPE') return { kind: 'emailType' };
    if (up === 'AUDIENCETYPE') return { kind: 'audienceType' };
    if (up === 'NOTES') return { kind: 'notes' };
    // why: an `Id` column is what the vendor's own exports carry; it identifies nothing on import, so it is ignored.
    if (up === 'ID' || up === '') return { kind: 'ignored' };
    const f = byName.get(up);
    if (f) return { kind: 'field', field: f };
    unknown.push(name);
    return { kind: 'unknown', name };
  });
  return { columns, emailIndex, unknown };
}

/** A valid row ready to be written. */
export interface ImportRow {
  rowNo: number;
  email: string;
  key: string;
  optInType?: OptInType;
  emailType?: EmailType;
  audienceType?: AudienceType;
  notes?: string;
  /** Data values to set (empty cells are left out: they leave the stored value unchanged). */
  data: Record<string, DataValue>;
  cells: string[];
}

/** A rejected row: why, and which report counter it counts in. */
export interface RowFault {
  rowNo: number;
  reason: string;
  email: string;
  cells: string[];
  counter: keyof ImportReport;
}

/** A valid row with its data values already serialised: the JSON merge patch and the JSON of a new contact. */
export interface ImportRowJson extends Omit<ImportRow, 'data'> {
  /** The row's data values as a JSON object (a merge patch for an existing contact). */
  patch: string;
  /** The data of a new contact: the fields' default values overlaid with the row's values, as JSON. */
  newData: string;
}

/**
 * The import's row validator, compiled once per header: the same rules as single writes and the same faults, but the data values go straight into JSON
 * text (precomputed quoted keys, one reused scratch array) instead of an object per row that is stringified later.
 * Keys come out in data-field order (test/helpers/rowOracle.ts holds the plain reading of the rules it is checked against).
 */
export class RowReader {
  private readonly slotOf: number[];
  private readonly keys: string[];
  private readonly defaults: Array<string | undefined>;
  private readonly hasDefaults: boolean;
  private readonly vals: Array<string | undefined>;

  constructor(
    private readonly h: HeaderMap,
    fields: DataField[],
  ) {
    const index = new Map(fields.map((f, i) => [f.name, i]));
    this.slotOf = h.columns.map((c) => (c.kind === 'field' ? (index.get(c.field.name) ?? -1) : -1));
    this.keys = fields.map((f) => `${JSON.stringify(f.name)}:`);
    this.defaults = fields.map((f) => (f.defaultValue !== null && f.defaultValue !== undefined ? JSON.stringify(f.defaultValue) : undefined));
    this.hasDefaults = this.defaults.some((d) => d !== undefined);
    this.vals = new Array(fields.length).fill(undefined);
  }

  /** Validates one data row. */
  read(rowNo: number, cells: string[]): ImportRowJson | RowFault {
    const h = this.h;
    const rawEmail = String(cells[h.emailIndex] ?? '').trim();
    if (!isValidEmail(rawEmail)) return { rowNo, reason: 'InvalidEmail', email: rawEmail, cells, counter: 'invalidEntries' };
    const vals = this.vals;
    vals.fill(undefined);
    let optInType: OptInType | undefined;
    let emailType: EmailType | undefined;
    let audienceType: AudienceType | undefined;
    let notes: string | undefined;
    const columns = h.columns;
    for (let i = 0; i < columns.length; i++) {
      const col = columns[i];
      const raw = cells[i];
      const cell = raw === undefined || raw === null ? '' : String(raw);
      if (cell.trim() === '') continue;
      switch (col.kind) {
        case 'field': {
          let v: DataValue;
          try {
            v = coerceFieldValue(col.field, cell);
          } catch {
            return badValue(rowNo, col.field.name, rawEmail, cells);
          }
          if (v !== null) vals[this.slotOf[i]] = JSON.stringify(v);
          break;
        }
        case 'optInType':
          optInType = matchEnum(OPT_IN_TYPES, cell);
          if (!optInType) return badValue(rowNo, 'OptInType', rawEmail, cells);
          break;
        case 'emailType':
          emailType = matchEnum(EMAIL_TYPES, cell);
          if (!emailType) return badValue(rowNo, 'EmailType', rawEmail, cells);
          break;
        case 'audienceType':
          audienceType = matchEnum(AUDIENCE_TYPES, cell);
          if (!audienceType) return badValue(rowNo, 'AudienceType', rawEmail, cells);
          break;
        case 'notes':
          notes = cell;
          break;
        default:
          break;
      }
    }
    let patch = '{';
    let merged = '{';
    for (let s = 0; s < vals.length; s++) {
      const v = vals[s];
      if (v !== undefined) patch += (patch.length > 1 ? ',' : '') + this.keys[s] + v;
      if (this.hasDefaults) {
        const m = v ?? this.defaults[s];
        if (m !== undefined) merged += (merged.length > 1 ? ',' : '') + this.keys[s] + m;
      }
    }
    patch += '}';
    const row: ImportRowJson = { rowNo, email: rawEmail, key: emailKey(rawEmail), patch, newData: this.hasDefaults ? merged + '}' : patch, cells };
    if (optInType) row.optInType = optInType;
    if (emailType) row.emailType = emailType;
    if (audienceType) row.audienceType = audienceType;
    if (notes !== undefined) row.notes = notes;
    return row;
  }
}

function badValue(rowNo: number, what: string, email: string, cells: string[]): RowFault {
  return { rowNo, reason: `InvalidValue: ${what}`.slice(0, 60), email, cells, counter: 'failures' };
}

/** True when the row was rejected. */
export function isFault<T extends object>(r: T | RowFault): r is RowFault {
  return (r as RowFault).reason !== undefined;
}

/** The report counter a suppressed contact counts in; undefined when the contact may be written. */
export function suppressionCounter(status: ContactStatus): keyof ImportReport | undefined {
  switch (status) {
    case 'Subscribed':
    case 'PendingOptIn':
      return undefined;
    case 'Unsubscribed':
      return 'unsubscribed';
    case 'HardBounced':
      return 'hardBounced';
    case 'SoftBounced':
      return 'softBounced';
    case 'IspComplained':
    case 'DirectComplaint':
      return 'ispComplaints';
    case 'MailBlocked':
      return 'mailBlocked';
    case 'DomainSuppression':
      return 'domainSuppressed';
    case 'SharedSuppression':
    case 'Suppressed':
      return 'globallySuppressed';
    default:
      return 'blocked'; // NotAllowed, NoMxRecord, Deleted
  }
}

/** Guards a CSV cell against spreadsheet formula injection: a leading = + - @ tab or CR gets an apostrophe. */
export function guardCell(v: string): string {
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

/** Quotes one CSV field per RFC 4180 when needed. */
export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One CSV line (CRLF-terminated) of guarded, quoted cells. */
export function csvLine(cells: string[]): string {
  return `${cells.map((c) => csvField(guardCell(c))).join(',')}\r\n`;
}
