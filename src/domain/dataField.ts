import { DataType, Visibility } from './enums';
import { DataValue } from './contact';
import { DomainError } from './errors';

/** A contact data field defined on an account. */
export interface DataField {
  id: number;
  name: string;
  type: DataType;
  visibility: Visibility;
  defaultValue: DataValue;
}

/** Fields every new account starts with, as the vendor's accounts did. */
export const DEFAULT_FIELDS: ReadonlyArray<{ name: string; type: DataType }> = [
  { name: 'FIRSTNAME', type: 'String' },
  { name: 'LASTNAME', type: 'String' },
  { name: 'FULLNAME', type: 'String' },
  { name: 'GENDER', type: 'String' },
  { name: 'POSTCODE', type: 'String' },
];

/** Names that cannot be data fields because import files use them for contact properties. */
export const RESERVED_FIELD_NAMES = new Set(['EMAIL', 'OPTINTYPE', 'EMAILTYPE', 'ID', 'AUDIENCETYPE', 'NOTES', 'STATUS']);

/** Checks a data-field name (letters, digits, `_` and `-`, starting with a letter, at most 20) and upper-cases it. */
export function normaliseFieldName(input: unknown): string {
  if (typeof input !== 'string') throw new DomainError('DATAFIELD_INVALID', 'The data field name is missing.');
  const name = input.trim().toUpperCase();
  if (!/^[A-Z][A-Z0-9_-]{0,19}$/.test(name)) {
    throw new DomainError(
      'DATAFIELD_INVALID',
      'A data field name must start with a letter and hold only letters, digits, _ or -, at most 20 characters.',
    );
  }
  if (RESERVED_FIELD_NAMES.has(name)) throw new DomainError('DATAFIELD_INVALID', `${name} is a reserved name.`);
  return name;
}

/** Largest String value kept (vendor: 255 characters for string fields). */
export const MAX_STRING_VALUE = 255;

/**
 * Converts a raw value (from JSON, XML text or a CSV cell) to the stored form of the field's type.
 * Empty strings and null clear the value. Throws DATAFIELD_VALUE_INVALID when the value does not fit.
 */
export function coerceFieldValue(field: { name: string; type: DataType }, raw: unknown): DataValue {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string' && raw.trim() === '' && field.type !== 'String') return null;
  switch (field.type) {
    case 'String': {
      if (typeof raw === 'object') return badValue(field);
      const s = String(raw);
      if (s === '') return null;
      if (s.length > MAX_STRING_VALUE) return badValue(field);
      return s;
    }
    case 'Numeric': {
      if (typeof raw === 'number') return Number.isFinite(raw) ? raw : badValue(field);
      if (typeof raw !== 'string' || !/^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(raw)) return badValue(field);
      const n = Number(raw);
      return Number.isFinite(n) ? n : badValue(field);
    }
    case 'Boolean': {
      if (typeof raw === 'boolean') return raw;
      // why: String() of a null-prototype object (a decoded SOAP record) throws a TypeError, not a domain error.
      if (typeof raw === 'object') return badValue(field);
      if (typeof raw === 'number') return raw === 1 ? true : raw === 0 ? false : badValue(field);
      const s = String(raw).trim().toLowerCase();
      if (['true', '1', 'yes', 'y'].includes(s)) return true;
      if (['false', '0', 'no', 'n'].includes(s)) return false;
      return badValue(field);
    }
    case 'Date': {
      const d = parseDateValue(raw);
      return d === undefined ? badValue(field) : d;
    }
  }
}

function badValue(field: { name: string; type: DataType }): never {
  throw new DomainError('DATAFIELD_VALUE_INVALID', `Value for ${field.name} is not a valid ${field.type}.`);
}

/** Parses a date (ISO-8601, `YYYY-MM-DD`, `DD/MM/YYYY`, Date or epoch ms) to a UTC ISO string; undefined when not a date. */
export function parseDateValue(raw: unknown): string | undefined {
  let t: number;
  if (raw instanceof Date) t = raw.getTime();
  else if (typeof raw === 'number') t = raw;
  else if (typeof raw === 'string') {
    const s = raw.trim();
    const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
    if (dmy) {
      // why: the vendor's UK-based app read slash dates as day/month/year.
      t = utc(+dmy[3], +dmy[2] - 1, +dmy[1], +(dmy[4] ?? 0), +(dmy[5] ?? 0), +(dmy[6] ?? 0));
      if (new Date(t).getUTCDate() !== +dmy[1]) return undefined;
    } else if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) {
      if (!isCalendarDate(s)) return undefined;
      const iso = s.replace(' ', 'T');
      // why: xs:dateTime without a zone is taken as UTC, as the vendor's docs say all datetimes are UTC.
      t = Date.parse(/T/.test(iso) && !/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? `${iso}Z` : iso);
    } else return undefined;
  } else return undefined;
  // why: beyond ±8.64e15 ms a Date is invalid and toISOString() throws a RangeError (a 500 for a JSON number 1e20).
  if (!Number.isFinite(t) || Math.abs(t) > 8.64e15) return undefined;
  const iso = new Date(t).toISOString();
  // why: only years 0000-9999 have a plain xs:dateTime form ("+031376-..." is neither re-readable nor valid for .NET).
  return /^\d{4}-/.test(iso) ? iso : undefined;
}

/** Date.UTC without its two-digit-year rule (Date.UTC(50, 0, 1) is 1950; here it is the year 50). */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const t = new Date(Date.UTC(2000, mo, d, h, mi, s));
  t.setUTCFullYear(y, mo, d);
  return t.getTime();
}

/** True when a text starting `YYYY-MM-DD` names a real day (JavaScript would roll 2021-02-30 over to March 2). */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(utc(y, mo - 1, d));
  return mo >= 1 && mo <= 12 && t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** One data-field value as shown to callers, with the field's type (SOAP needs it for xsi:type). */
export interface FieldValue {
  key: string;
  value: DataValue;
  type: DataType;
}

/**
 * Turns caller-supplied values (keys in any case) into a patch of stored values, coercing each by its field's type.
 * Throws DATAFIELD_NOTFOUND for a key that is not a field of the account.
 */
export function buildDataPatch(fields: DataField[], raw: Record<string, unknown> | undefined): Record<string, DataValue> {
  const patch: Record<string, DataValue> = Object.create(null);
  if (!raw) return patch;
  const byName = new Map(fields.map((f) => [f.name, f]));
  for (const key of Object.keys(raw)) {
    const f = byName.get(key.trim().toUpperCase());
    if (!f) throw new DomainError('DATAFIELD_NOTFOUND', `Data field ${key} does not exist.`);
    patch[f.name] = coerceFieldValue(f, raw[key]);
  }
  return patch;
}

/** Lists every field of the account with the contact's value (null when unset), sorted by name. */
export function fieldValues(fields: DataField[], values: Record<string, DataValue>): FieldValue[] {
  return fields
    .map((f) => ({ key: f.name, value: Object.prototype.hasOwnProperty.call(values, f.name) ? values[f.name] : null, type: f.type }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
