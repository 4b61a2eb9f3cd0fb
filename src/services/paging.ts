import { isCalendarDate } from '../domain/dataField';
import { DomainError } from '../domain/errors';

/** Validated paging arguments. */
export interface Page {
  skip: number;
  select: number;
}

/** Checks select/skip (defaults: select = max, skip = 0); select must be 1..max, skip >= 0. */
export function page(select: unknown, skip: unknown, max: number): Page {
  const s = select === undefined || select === null || select === '' ? max : wholeNumber(select);
  const k = skip === undefined || skip === null || skip === '' ? 0 : wholeNumber(skip);
  if (!Number.isInteger(s) || s < 1 || s > max) {
    throw new DomainError('PARAMETER_INVALID', `select must be a whole number from 1 to ${max}.`);
  }
  if (!Number.isInteger(k) || k < 0 || k > 2_000_000_000) throw new DomainError('PARAMETER_INVALID', 'skip must be a whole number of 0 or more.');
  return { select: s, skip: k };
}

// why: the vendor's ASP.NET binding took plain integers only; Number() would also take '1e2', '0x10', ' ' and '-0'.
function wholeNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  return typeof v === 'string' && /^\s*\d{1,12}\s*$/.test(v) ? Number(v) : NaN;
}

/** Parses a date argument (ISO-8601 / xs:dateTime, or epoch ms) to epoch ms; throws PARAMETER_INVALID. */
export function dateArg(input: unknown, name = 'date'): number {
  if (typeof input === 'number' && Number.isFinite(input)) return input;
  if (input instanceof Date && Number.isFinite(input.getTime())) return input.getTime();
  if (typeof input === 'string' && /^\d{4}-\d{2}-\d{2}/.test(input.trim()) && isCalendarDate(input.trim())) {
    const s = input.trim();
    // why: xs:dateTime without a zone is UTC on this API (the vendor's docs say every datetime is UTC).
    const t = Date.parse(/T\d{2}:\d{2}/.test(s) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(s) ? `${s}Z` : s);
    if (Number.isFinite(t)) return t;
  }
  throw new DomainError('PARAMETER_INVALID', `${name} is not a valid date.`);
}
