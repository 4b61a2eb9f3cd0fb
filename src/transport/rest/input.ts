import { DomainError } from '../../domain/errors';

/** A request object whose property names are matched case-insensitively (clients send PascalCase or camelCase). */
export type CiObject = { get(name: string): unknown; has(name: string): boolean; raw: Record<string, unknown> };

/** Wraps a parsed JSON body for case-insensitive reads; a non-object body is refused. */
export function ci(body: unknown, what = 'request body'): CiObject {
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body as object).length === 0 && !Array.isArray(body))) {
    return ciOf({});
  }
  if (typeof body !== 'object' || Array.isArray(body)) throw new DomainError('PARAMETER_INVALID', `The ${what} must be a JSON object.`);
  return ciOf(body as Record<string, unknown>);
}

function ciOf(obj: Record<string, unknown>): CiObject {
  // why: a null-prototype map, so keys like __proto__ or constructor are plain data and change nothing global.
  const map = new Map<string, unknown>();
  for (const k of Object.keys(obj)) map.set(k.toLowerCase(), obj[k]);
  return { get: (n) => map.get(n.toLowerCase()), has: (n) => map.has(n.toLowerCase()), raw: obj };
}

/** Reads `dataFields: [{key, value}]` (any casing) into a plain record of raw values. */
export function dataFieldsIn(list: unknown): Record<string, unknown> | undefined {
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw new DomainError('PARAMETER_INVALID', 'dataFields must be an array of {key, value}.');
  const out: Record<string, unknown> = Object.create(null);
  for (const item of list) {
    const o = ci(item, 'data field');
    const key = o.get('key');
    if (typeof key !== 'string' || !key.trim()) throw new DomainError('PARAMETER_INVALID', 'Each data field needs a key.');
    out[key] = o.get('value');
  }
  return out;
}

/** Reads a boolean query value (`true`/`false`, any case); undefined when absent. */
export function boolQuery(v: unknown): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  const s = String(v).toLowerCase();
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw new DomainError('PARAMETER_INVALID', `"${String(v)}" is not true or false.`);
}

/** Reads one query parameter case-insensitively (select, Select, SELECT). */
export function queryParam(query: Record<string, unknown>, name: string): unknown {
  const k = Object.keys(query).find((q) => q.toLowerCase() === name.toLowerCase());
  const v = k === undefined ? undefined : query[k];
  return Array.isArray(v) ? v[0] : v;
}
