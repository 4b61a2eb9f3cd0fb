import { Contact } from '../domain/contact';
import { CONTACT_PROPS, RuleNode } from '../domain/segmentRules';

/** A contact property a real-time rule may read. */
export type ContactProp = (typeof CONTACT_PROPS)[number];

/**
 * What a single write changed, as far as real-time rules can see: contact properties, data fields (by name, any
 * case) and address books whose subscribed membership changed. 'any' when the caller cannot say (a contact created
 * or deleted, or an unknown change): every real-time segment is then re-evaluated.
 */
export type SegmentChange =
  | 'any'
  | {
      props?: readonly ContactProp[];
      fields?: readonly string[];
      books?: readonly number[];
      /** Transactional-data collections whose records of the contact changed (names exact, issue #19). */
      collections?: readonly string[];
    };

/** Nothing changed that a rule can read. */
export const NO_CHANGE: SegmentChange = {};

/** What one contact write changed (before/after rows; a missing side means created or deleted: 'any'). */
export function contactChange(before: Contact | undefined, after: Contact | undefined): SegmentChange {
  if (!before || !after) return 'any';
  const props: ContactProp[] = [];
  if (before.email.toLowerCase() !== after.email.toLowerCase()) props.push('email');
  if (before.optInType !== after.optInType) props.push('optInType');
  if (before.emailType !== after.emailType) props.push('emailType');
  if (before.status !== after.status) props.push('status');
  const fields: string[] = [];
  for (const k of new Set([...Object.keys(before.dataFields), ...Object.keys(after.dataFields)])) {
    if (JSON.stringify(before.dataFields[k] ?? null) !== JSON.stringify(after.dataFields[k] ?? null)) fields.push(k);
  }
  return { props, fields };
}

/** The union of two changes. */
export function mergeChanges(a: SegmentChange, b: SegmentChange): SegmentChange {
  if (a === 'any' || b === 'any') return 'any';
  return {
    props: [...(a.props ?? []), ...(b.props ?? [])],
    fields: [...(a.fields ?? []), ...(b.fields ?? [])],
    books: [...(a.books ?? []), ...(b.books ?? [])],
    collections: [...(a.collections ?? []), ...(b.collections ?? [])],
  };
}

/** A stable text key for a change (for caching per kind of write). */
export function changeKey(c: SegmentChange): string {
  if (c === 'any') return '*';
  const f = [...new Set((c.fields ?? []).map((x) => x.toUpperCase()))].sort();
  const p = [...new Set(c.props ?? [])].sort();
  const b = [...new Set(c.books ?? [])].sort((x, y) => x - y);
  const t = [...new Set(c.collections ?? [])].sort();
  return `p:${p.join(',')}|f:${f.join(',')}|b:${b.join(',')}${t.length ? `|t:${JSON.stringify(t)}` : ''}`;
}

/**
 * Which of an account's real-time segments a write can affect, by what their rules read. A rule reads only the
 * contact's own row and its subscribed book memberships (DESIGN invariant 5), so a write that changes none of
 * those cannot flip its membership; a rule with no condition changes only when a contact is created or deleted.
 */
export class SegmentDepIndex {
  private readonly byField = new Map<string, number[]>();
  private readonly byProp = new Map<string, number[]>();
  private readonly byBook = new Map<number, number[]>();
  private readonly byCollection = new Map<string, number[]>();

  /** Indexes the rules, in order; the answers are positions in that order. */
  constructor(rules: readonly RuleNode[]) {
    this.size = rules.length;
    rules.forEach((root, k) => {
      const seen = new Set<string>();
      const add = <K>(m: Map<K, number[]>, key: K) => {
        const tag = `${typeof key}:${String(key)}`;
        if (seen.has(tag)) return;
        seen.add(tag);
        const list = m.get(key);
        if (list) list.push(k);
        else m.set(key, [k]);
      };
      const walk = (n: RuleNode): void => {
        if (n.type === 'group') n.items.forEach(walk);
        else if (n.type === 'field') add(this.byField, n.field.toUpperCase());
        else if (n.type === 'contact') add(this.byProp, n.prop);
        else if (n.type === 'book') add(this.byBook, n.bookId);
        // why: prefixed, so a collection never shares the walk's seen-tag with a data field of the same name.
        else if (n.type === 'tx') add(this.byCollection, `tx:${n.collection}`);
        // why: campaign conditions make a segment behavioural, which never follows writes (DESIGN invariant 8).
      };
      walk(root);
    });
  }

  /** How many segments are indexed. */
  readonly size: number;

  /** Positions of the segments the change can affect, ascending. */
  affected(c: SegmentChange): number[] {
    if (c === 'any') return Array.from({ length: this.size }, (_, k) => k);
    const out = new Set<number>();
    for (const f of c.fields ?? []) for (const k of this.byField.get(f.toUpperCase()) ?? []) out.add(k);
    for (const p of c.props ?? []) for (const k of this.byProp.get(p) ?? []) out.add(k);
    for (const b of c.books ?? []) for (const k of this.byBook.get(b) ?? []) out.add(k);
    for (const t of c.collections ?? []) for (const k of this.byCollection.get(`tx:${t}`) ?? []) out.add(k);
    return [...out].sort((x, y) => x - y);
  }
}
