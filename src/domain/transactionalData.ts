import { DomainError } from './errors';
import { emailKey, isValidEmail } from './contact';

// Transactional data (issue #19): validation budgets of collection names, keys, JSON records and contact identifiers,
// checked before any work (parsing, lookups, writes). The JSON text is kept exactly as sent.

/** Collection names: a letter, then letters, digits, `_` or `-`; at most 100 characters. */
export const COLLECTION_NAME_RE = /^[A-Za-z][A-Za-z0-9_-]{0,99}$/;
/** Longest record key, in characters. */
export const MAX_KEY_LENGTH = 255;
/** Largest record JSON, in UTF-8 bytes. */
export const MAX_JSON_BYTES = 256 * 1024;
/** Deepest nesting of objects and arrays in a record's JSON. */
export const MAX_JSON_DEPTH = 32;
/** Most records in one import call. */
export const MAX_IMPORT_ITEMS = 50_000;

/** A record's owner: a contact by id or email, or the account (no contact). */
export type ContactRef = { kind: 'id'; id: number } | { kind: 'email'; key: string } | { kind: 'account' };

/** Why one record is refused (the vendor's import fault reasons; single writes throw the matching error). */
export type TxRejection = 'InvalidClientKey' | 'InvalidContactIdentifier' | 'InvalidJson';

/** Checks a collection name (throws TRANSACTIONAL_DATA_INVALID_COLLECTION_NAME). */
export function collectionName(v: unknown): string {
  // why: `import` is reserved: REST's `/contacts/transactional-data/import/{id}` would shadow a collection of that name.
  if (typeof v !== 'string' || !COLLECTION_NAME_RE.test(v) || v.toLowerCase() === 'import') {
    throw new DomainError(
      'TRANSACTIONAL_DATA_INVALID_COLLECTION_NAME',
      'The collection name must start with a letter and hold only letters, digits, _ and -, at most 100 characters (import is reserved).',
    );
  }
  return v;
}

/** True for a usable record key: 1 to MAX_KEY_LENGTH characters, no control characters. */
export function isValidKey(v: unknown): v is string {
  // eslint-disable-next-line no-control-regex
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_KEY_LENGTH && v.trim() === v && !/[\u0000-\u001f\u007f]/.test(v);
}

/** Checks a record key (throws TRANSACTIONAL_DATA_INVALID_KEY). */
export function recordKey(v: unknown): string {
  if (!isValidKey(v)) {
    throw new DomainError('TRANSACTIONAL_DATA_INVALID_KEY', `The key must be 1 to ${MAX_KEY_LENGTH} characters, without leading or trailing spaces or control characters.`);
  }
  return v;
}

/**
 * True when the text is one JSON object within the size and depth budgets. Size and depth are checked on the raw text
 * first (one linear scan), so an oversized or deeply nested body never reaches JSON.parse.
 */
export function isValidRecordJson(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  // why: a UTF-16 length above the cap already exceeds it in UTF-8 bytes (each code unit is at least one byte).
  if (v.length > MAX_JSON_BYTES || Buffer.byteLength(v, 'utf8') > MAX_JSON_BYTES) return false;
  if (!withinDepth(v, MAX_JSON_DEPTH)) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    return false;
  }
  // why: the vendor takes records that are JSON objects (an order, a product), not bare arrays or scalars.
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
}

/** Checks a record's JSON (throws TRANSACTIONAL_DATA_INVALID_JSON). */
export function recordJson(v: unknown): string {
  if (!isValidRecordJson(v)) {
    throw new DomainError('TRANSACTIONAL_DATA_INVALID_JSON', `Json must be one JSON object of at most ${MAX_JSON_BYTES} bytes and ${MAX_JSON_DEPTH} levels of nesting.`);
  }
  return v;
}

/** The nesting depth of [ and { outside strings stays within max. */
export function withinDepth(text: string, max: number): boolean {
  // why: a text with at most `max` opening brackets anywhere cannot nest deeper; counting them is native indexOf work,
  // so the character scan below runs only for the rare record with many brackets.
  let opening = 0;
  for (let i = text.indexOf('{'); i >= 0 && opening <= max; i = text.indexOf('{', i + 1)) opening++;
  for (let i = text.indexOf('['); i >= 0 && opening <= max; i = text.indexOf('[', i + 1)) opening++;
  if (opening <= max) return true;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return false;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return true;
}

/**
 * Reads a contact identifier: a positive whole number is a contact id, an address an email; empty, missing or the
 * word `account` means an account-scoped record (no contact). Returns undefined when it is none of those.
 * why: the vendor's REST listing has account-scoped collections (GET /v2/transactional-data/{collectionName}) but no
 * write route of their own; records sent with no contact identifier are the ones with no contact.
 */
export function contactRef(v: unknown, allowAccount = true): ContactRef | undefined {
  if (v === undefined || v === null || (typeof v === 'string' && (v.trim() === '' || v.trim().toLowerCase() === 'account'))) {
    return allowAccount ? { kind: 'account' } : undefined;
  }
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 && v < 2 ** 31 ? { kind: 'id', id: v } : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (/^\d{1,10}$/.test(s)) {
    const n = Number(s);
    return n > 0 && n < 2 ** 31 ? { kind: 'id', id: n } : undefined;
  }
  return isValidEmail(s) ? { kind: 'email', key: emailKey(s) } : undefined;
}

/** Checks a contact identifier (throws TRANSACTIONAL_DATA_INVALID_CONTACT_IDENTIFIER). */
export function mustContactRef(v: unknown, allowAccount = true): ContactRef {
  const r = contactRef(v, allowAccount);
  if (!r) throw new DomainError('TRANSACTIONAL_DATA_INVALID_CONTACT_IDENTIFIER', 'ContactIdentifier must be a contact id or an email address.');
  return r;
}
