import { CONTACT_STATUSES, DataType, EMAIL_TYPES, matchEnum, OPT_IN_TYPES } from './enums';
import { DomainError } from './errors';
import { parseDateValue } from './dataField';

// The segment rule language (our extension: the vendor's API could read segments but not define them).
// A rule tree is validated here against the account's data fields, and compiled to SQL in src/db/segmentSql.ts.

/** Operators on String data fields. */
export const STRING_OPS = ['equals', 'notEquals', 'contains', 'startsWith', 'endsWith', 'isEmpty', 'isNotEmpty'] as const;
/** Operators on Numeric data fields. */
export const NUMERIC_OPS = ['=', '!=', '<', '<=', '>', '>=', 'between'] as const;
/** Operators on Date data fields. */
export const DATE_OPS = ['before', 'after', 'on', 'withinLastDays', 'moreThanDaysAgo'] as const;
/** Operators on Boolean data fields. */
export const BOOLEAN_OPS = ['isTrue', 'isFalse'] as const;
/** Operators on the contact's email address. */
export const EMAIL_OPS = ['domainIs', 'contains', 'equals'] as const;
/** Operators on the contact's enumerated properties (optInType, emailType, status). */
export const ENUM_OPS = ['equals', 'notEquals'] as const;
/** Operators on address-book membership (subscribed members of the book). */
export const BOOK_OPS = ['in', 'notIn'] as const;
/** Operators on campaign activity (`pageViewed`: a page view tracked from the campaign; `replied`: any reply type). */
export const CAMPAIGN_OPS = ['sent', 'opened', 'clicked', 'notOpened', 'notClicked', 'pageViewed', 'replied'] as const;

/** Contact properties a rule may test. */
export const CONTACT_PROPS = ['email', 'optInType', 'emailType', 'status'] as const;

/** Real-time segments follow contact writes; behavioural ones (campaign activity) refresh only on request. */
export type SegmentKind = 'realtime' | 'behavioural';

/** A condition on a data field, already typed by the account's field definition. */
export type FieldCondition =
  | { type: 'field'; field: string; dataType: 'String'; op: (typeof STRING_OPS)[number]; value?: string }
  | { type: 'field'; field: string; dataType: 'Numeric'; op: (typeof NUMERIC_OPS)[number]; value?: number; values?: [number, number] }
  | { type: 'field'; field: string; dataType: 'Date'; op: 'before' | 'after' | 'on'; value: string }
  | { type: 'field'; field: string; dataType: 'Date'; op: 'withinLastDays' | 'moreThanDaysAgo'; days: number }
  | { type: 'field'; field: string; dataType: 'Boolean'; op: (typeof BOOLEAN_OPS)[number] };

/** A condition on a contact column. */
export type ContactCondition =
  | { type: 'contact'; prop: 'email'; op: (typeof EMAIL_OPS)[number]; value: string }
  | { type: 'contact'; prop: 'optInType' | 'emailType' | 'status'; op: (typeof ENUM_OPS)[number]; value: string };

/** Subscribed membership of an address book. */
export interface BookCondition {
  type: 'book';
  bookId: number;
  op: (typeof BOOK_OPS)[number];
}

/** Activity on one campaign (or any campaign), optionally within the last N days. */
export interface CampaignCondition {
  type: 'campaign';
  campaign: number | 'any';
  op: (typeof CAMPAIGN_OPS)[number];
  withinDays?: number;
}

/** One condition of any kind. */
export type Condition = FieldCondition | ContactCondition | BookCondition | CampaignCondition | TxCondition;

/** Operators on a contact's records in a transactional-data collection (issue #19). */
export const TX_OPS = ['exists', 'notExists', 'countAtLeast'] as const;
/** Operators of a `where` test on one JSON path of a record, by the type they compare as. */
export const TX_WHERE_OPS = {
  number: ['=', '!=', '<', '<=', '>', '>='],
  string: ['equals', 'notEquals', 'contains', 'startsWith'],
  date: ['before', 'after', 'withinLastDays', 'moreThanDaysAgo'],
  boolean: ['isTrue', 'isFalse'],
} as const;
/** Budgets of a transactional condition: where tests, path segments, segment length, count. */
export const TX_RULE_LIMITS = { where: 10, pathSegments: 6, segmentLength: 64, count: 1_000_000 } as const;
/** One segment of a JSON path into a record: letters, digits and `_` (so a path never needs quoting rules). */
const PATH_SEGMENT_RE = /^[A-Za-z0-9_]{1,64}$/;

/** One typed test on a record's JSON value at a path (`total`, `shipping.country`). */
export type TxWhere =
  | { path: string[]; kind: 'number'; op: (typeof TX_WHERE_OPS.number)[number]; value: number }
  | { path: string[]; kind: 'string'; op: (typeof TX_WHERE_OPS.string)[number]; value: string }
  | { path: string[]; kind: 'date'; op: 'before' | 'after'; value: string }
  | { path: string[]; kind: 'date'; op: 'withinLastDays' | 'moreThanDaysAgo'; days: number }
  | { path: string[]; kind: 'boolean'; op: (typeof TX_WHERE_OPS.boolean)[number] };

/** A contact's records in a collection: some exist, none exist, or at least `count` exist (matching every `where`). */
export interface TxCondition {
  type: 'tx';
  collection: string;
  op: (typeof TX_OPS)[number];
  count?: number;
  where: TxWhere[];
}

/** A group: every item (all) or at least one (any). */
export interface RuleGroup {
  type: 'group';
  match: 'all' | 'any';
  items: RuleNode[];
}

/** A node of the rule tree. */
export type RuleNode = RuleGroup | Condition;

/** A validated rule tree with what it depends on. */
export interface ParsedRules {
  root: RuleGroup;
  kind: SegmentKind;
  /** Data fields the rules use (upper-case names). */
  fields: string[];
  /** Address books the rules use. */
  bookIds: number[];
  /** Campaigns named by id. */
  campaignIds: number[];
}

/** Most nesting and conditions one rule tree may have. */
export const RULE_LIMITS = { depth: 8, conditions: 100 } as const;

const invalid = (text: string): never => {
  throw new DomainError('SEGMENT_INVALID', text);
};

/** Reads a property by name in any case (REST bodies arrive in camelCase or PascalCase). */
function prop(o: Record<string, unknown>, name: string): unknown {
  const k = Object.keys(o).find((x) => x.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : o[k];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pick<T extends string>(ops: readonly T[], raw: unknown, what: string): T {
  const op = typeof raw === 'string' ? ops.find((o) => o.toLowerCase() === raw.trim().toLowerCase()) : undefined;
  return op ?? invalid(`Operator ${JSON.stringify(raw)} is not valid for ${what}; use one of ${ops.join(', ')}.`);
}

function wholeDays(raw: unknown, what: string): number {
  const n = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 36500) return invalid(`${what} must be a whole number of days from 0 to 36500.`);
  return n;
}

function finite(raw: unknown, what: string): number {
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n)) return invalid(`${what} must be a number.`);
  return n;
}

function text(raw: unknown, what: string): string {
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (typeof raw !== 'string' || raw === '') return invalid(`${what} must be a non-empty string.`);
  if (raw.length > 255) return invalid(`${what} must be at most 255 characters.`);
  return raw;
}

/** Validates a raw rule tree against the account's data fields; throws SEGMENT_INVALID or DATAFIELD_NOTFOUND. */
export function parseRules(raw: unknown, fields: ReadonlyArray<{ name: string; type: DataType }>): ParsedRules {
  const byName = new Map(fields.map((f) => [f.name.toUpperCase(), f]));
  const out: ParsedRules = { root: { type: 'group', match: 'all', items: [] }, kind: 'realtime', fields: [], bookIds: [], campaignIds: [] };
  let conditions = 0;

  const group = (g: unknown, depth: number): RuleGroup => {
    if (!isObject(g)) return invalid('A rule group must be an object {"all": [...]} or {"any": [...]}.');
    const all = prop(g, 'all');
    const any = prop(g, 'any');
    if ((all === undefined) === (any === undefined)) return invalid('A rule group must have exactly one of "all" or "any".');
    const list = all ?? any;
    if (!Array.isArray(list)) return invalid('"all" and "any" must be arrays.');
    if (depth > RULE_LIMITS.depth) return invalid(`Rules may nest at most ${RULE_LIMITS.depth} groups deep.`);
    if (any !== undefined && list.length === 0) return invalid('An "any" group needs at least one item.');
    return { type: 'group', match: all !== undefined ? 'all' : 'any', items: list.map((i) => item(i, depth + 1)) };
  };

  const item = (i: unknown, depth: number): RuleNode => {
    if (!isObject(i)) return invalid('Each rule item must be an object.');
    if (prop(i, 'all') !== undefined || prop(i, 'any') !== undefined) return group(i, depth);
    if (++conditions > RULE_LIMITS.conditions) return invalid(`Rules may hold at most ${RULE_LIMITS.conditions} conditions.`);
    if (prop(i, 'dataField') !== undefined) return fieldCond(i);
    if (prop(i, 'contact') !== undefined) return contactCond(i);
    if (prop(i, 'addressBook') !== undefined) return bookCond(i);
    if (prop(i, 'campaign') !== undefined) return campaignCond(i);
    if (prop(i, 'collection') !== undefined) return txCond(i);
    return invalid('A condition must name a dataField, contact, addressBook, campaign or collection.');
  };

  const fieldCond = (i: Record<string, unknown>): FieldCondition => {
    const rawName = prop(i, 'dataField');
    if (typeof rawName !== 'string' || !rawName.trim()) return invalid('dataField must be a field name.');
    const f = byName.get(rawName.trim().toUpperCase());
    if (!f) throw new DomainError('DATAFIELD_NOTFOUND', `Data field ${rawName.slice(0, 60)} does not exist.`);
    if (!out.fields.includes(f.name)) out.fields.push(f.name);
    const what = `${f.type} field ${f.name}`;
    const value = prop(i, 'value');
    switch (f.type) {
      case 'String': {
        const op = pick(STRING_OPS, prop(i, 'op'), what);
        if (op === 'isEmpty' || op === 'isNotEmpty') return { type: 'field', field: f.name, dataType: 'String', op };
        return { type: 'field', field: f.name, dataType: 'String', op, value: text(value, `value for ${f.name}`) };
      }
      case 'Numeric': {
        const op = pick(NUMERIC_OPS, prop(i, 'op'), what);
        if (op === 'between') {
          const vs = prop(i, 'values');
          if (!Array.isArray(vs) || vs.length !== 2) return invalid(`between needs "values": [low, high] for ${f.name}.`);
          const lo = finite(vs[0], `low value for ${f.name}`);
          const hi = finite(vs[1], `high value for ${f.name}`);
          if (lo > hi) return invalid(`between needs low <= high for ${f.name}.`);
          return { type: 'field', field: f.name, dataType: 'Numeric', op, values: [lo, hi] };
        }
        return { type: 'field', field: f.name, dataType: 'Numeric', op, value: finite(value, `value for ${f.name}`) };
      }
      case 'Date': {
        const op = pick(DATE_OPS, prop(i, 'op'), what);
        if (op === 'withinLastDays' || op === 'moreThanDaysAgo') {
          return { type: 'field', field: f.name, dataType: 'Date', op, days: wholeDays(value, `value for ${f.name}`) };
        }
        const d = parseDateValue(value);
        if (!d) return invalid(`value for ${f.name} must be a date (YYYY-MM-DD or ISO-8601).`);
        return { type: 'field', field: f.name, dataType: 'Date', op, value: d };
      }
      case 'Boolean':
        return { type: 'field', field: f.name, dataType: 'Boolean', op: pick(BOOLEAN_OPS, prop(i, 'op'), what) };
    }
  };

  const contactCond = (i: Record<string, unknown>): ContactCondition => {
    const p = pick(CONTACT_PROPS, prop(i, 'contact'), 'contact (a contact property)');
    const value = prop(i, 'value');
    if (p === 'email') {
      const op = pick(EMAIL_OPS, prop(i, 'op'), 'email');
      return { type: 'contact', prop: p, op, value: text(value, 'value for email').toLowerCase() };
    }
    const op = pick(ENUM_OPS, prop(i, 'op'), p);
    const values: readonly string[] = p === 'optInType' ? OPT_IN_TYPES : p === 'emailType' ? EMAIL_TYPES : CONTACT_STATUSES;
    const v = matchEnum(values, value);
    if (!v) return invalid(`value for ${p} must be one of ${values.join(', ')}.`);
    return { type: 'contact', prop: p, op, value: v };
  };

  const bookCond = (i: Record<string, unknown>): BookCondition => {
    const rawId = prop(i, 'addressBook');
    const id = typeof rawId === 'string' && /^\d+$/.test(rawId.trim()) ? Number(rawId) : rawId;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 2 ** 31) {
      throw new DomainError('ADDRESSBOOK_NOT_FOUND', `Address book ${String(rawId).slice(0, 40)} does not exist.`);
    }
    if (!out.bookIds.includes(id)) out.bookIds.push(id);
    return { type: 'book', bookId: id, op: pick(BOOK_OPS, prop(i, 'op'), 'addressBook') };
  };

  const campaignCond = (i: Record<string, unknown>): CampaignCondition => {
    const rawId = prop(i, 'campaign');
    let campaign: number | 'any';
    if (typeof rawId === 'string' && rawId.trim().toLowerCase() === 'any') campaign = 'any';
    else {
      const id = typeof rawId === 'string' && /^\d+$/.test(rawId.trim()) ? Number(rawId) : rawId;
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 2 ** 31) return invalid('campaign must be a campaign id or "any".');
      campaign = id;
      if (!out.campaignIds.includes(id)) out.campaignIds.push(id);
    }
    const op = pick(CAMPAIGN_OPS, prop(i, 'op'), 'campaign');
    const w = prop(i, 'withinDays');
    out.kind = 'behavioural';
    return w === undefined || w === null ? { type: 'campaign', campaign, op } : { type: 'campaign', campaign, op, withinDays: wholeDays(w, 'withinDays') };
  };

  // why: a transactional condition reads only the contact's own records, so it stays real-time (DESIGN invariant 5).
  const txCond = (i: Record<string, unknown>): TxCondition => {
    const collection = prop(i, 'collection');
    if (typeof collection !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]{0,99}$/.test(collection)) return invalid('collection must be a collection name.');
    const op = pick(TX_OPS, prop(i, 'op'), `collection ${collection}`);
    const c: TxCondition = { type: 'tx', collection, op, where: [] };
    if (op === 'countAtLeast') {
      const n = prop(i, 'value');
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > TX_RULE_LIMITS.count) return invalid(`countAtLeast needs a whole number value from 1 to ${TX_RULE_LIMITS.count}.`);
      c.count = n;
    }
    const where = prop(i, 'where');
    if (where !== undefined && where !== null) {
      if (!Array.isArray(where) || where.length > TX_RULE_LIMITS.where) return invalid(`where must be an array of at most ${TX_RULE_LIMITS.where} tests.`);
      c.where = where.map((w) => txWhere(w));
    }
    return c;
  };

  const txWhere = (w: unknown): TxWhere => {
    if (!isObject(w)) return invalid('Each where test must be an object {"field", "op", "value"}.');
    const field = prop(w, 'field');
    const path = typeof field === 'string' ? field.split('.') : [];
    if (path.length === 0 || path.length > TX_RULE_LIMITS.pathSegments || !path.every((x) => PATH_SEGMENT_RE.test(x))) {
      return invalid(`field must be a path of 1 to ${TX_RULE_LIMITS.pathSegments} names of letters, digits and _ joined by dots.`);
    }
    const rawOp = prop(w, 'op');
    const all = [...TX_WHERE_OPS.number, ...TX_WHERE_OPS.string, ...TX_WHERE_OPS.date, ...TX_WHERE_OPS.boolean];
    const op = pick(all, rawOp, `field ${field as string}`);
    const value = prop(w, 'value');
    const what = `value for ${field as string}`;
    if ((TX_WHERE_OPS.number as readonly string[]).includes(op)) return { path, kind: 'number', op: op as (typeof TX_WHERE_OPS.number)[number], value: finite(value, what) };
    if ((TX_WHERE_OPS.string as readonly string[]).includes(op)) return { path, kind: 'string', op: op as (typeof TX_WHERE_OPS.string)[number], value: text(value, what) };
    if (op === 'withinLastDays' || op === 'moreThanDaysAgo') return { path, kind: 'date', op, days: wholeDays(value, what) };
    if (op === 'before' || op === 'after') {
      const d = parseDateValue(value);
      if (!d) return invalid(`${what} must be a date (YYYY-MM-DD or ISO-8601).`);
      return { path, kind: 'date', op, value: d.slice(0, 10) };
    }
    return { path, kind: 'boolean', op: op as 'isTrue' | 'isFalse' };
  };

  out.root = group(raw, 1);
  return out;
}

/** The rule tree back in its JSON form (as stored and as returned to callers). */
export function rulesToJson(node: RuleNode): unknown {
  switch (node.type) {
    case 'group':
      return { [node.match]: node.items.map(rulesToJson) };
    case 'field': {
      const o: Record<string, unknown> = { dataField: node.field, op: node.op };
      if ('value' in node && node.value !== undefined) o.value = node.value;
      if ('values' in node && node.values !== undefined) o.values = node.values;
      if ('days' in node) o.value = node.days;
      return o;
    }
    case 'contact':
      return { contact: node.prop, op: node.op, value: node.value };
    case 'book':
      return { addressBook: node.bookId, op: node.op };
    case 'campaign':
      return node.withinDays === undefined
        ? { campaign: node.campaign, op: node.op }
        : { campaign: node.campaign, op: node.op, withinDays: node.withinDays };
    case 'tx': {
      const o: Record<string, unknown> = { collection: node.collection, op: node.op };
      if (node.count !== undefined) o.value = node.count;
      if (node.where.length) {
        o.where = node.where.map((w) => {
          const x: Record<string, unknown> = { field: w.path.join('.'), op: w.op };
          if ('value' in w) x.value = w.value;
          if ('days' in w) x.value = w.days;
          return x;
        });
      }
      return o;
    }
  }
}

/** Milliseconds in a day. */
export const DAY_MS = 86_400_000;

/** The UTC midnight that starts the day of t (epoch ms). */
export function utcDayStart(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS;
}

/** Whether a rule tree has a condition relative to today (withinLastDays, moreThanDaysAgo, withinDays). */
export function isTimeRelative(node: RuleNode): boolean {
  switch (node.type) {
    case 'group':
      return node.items.some(isTimeRelative);
    case 'field':
      return node.op === 'withinLastDays' || node.op === 'moreThanDaysAgo';
    case 'campaign':
      return node.withinDays !== undefined;
    case 'tx':
      return node.where.some((w) => w.kind === 'date' && (w.op === 'withinLastDays' || w.op === 'moreThanDaysAgo'));
    default:
      return false;
  }
}

/**
 * The UTC midnight at which members computed at `at` stop being right because the day turned, or null when the day
 * turn cannot change them. why: only real-time segments qualify; behavioural ones (the only ones with withinDays)
 * change only on request (DESIGN invariant 8) and are recomputed in full whenever they are refreshed.
 */
export function dayTurnAfter(root: RuleNode, kind: SegmentKind, at: number): number | null {
  if (kind !== 'realtime' || !isTimeRelative(root)) return null;
  return utcDayStart(at) + DAY_MS;
}

/** The midnight since which a time-relative segment's members are out of date (null when they are not). */
export function dayTurnedAt(s: { relativeUntil: number | null }, now: number): number | null {
  return s.relativeUntil !== null && now >= s.relativeUntil ? s.relativeUntil : null;
}
