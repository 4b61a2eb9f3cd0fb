import { Condition, DAY_MS, RuleNode, TxWhere, utcDayStart } from '../domain/segmentRules';
import { Dialect } from './connection';
import { fieldPath, jsonScalarSql, likeEscape, LIKE_ESCAPE_CLAUSE, numberCastSql, jsonBoolSql } from './sql';

/** A SQL predicate over the contacts row aliased `c`, with its bind values in order. */
export interface SqlPredicate {
  sql: string;
  bindings: Array<string | number>;
}

/**
 * Compiles a validated rule tree to a parameterised predicate on `contacts c`. Every value from the rules is a bind
 * parameter; field names only reach SQL as a bound JSON path. `now` fixes relative dates (withinLastDays,
 * moreThanDaysAgo: from the UTC day of `now`; withinDays: from `now` itself).
 */
export function compileRules(dialect: Dialect, root: RuleNode, accountId: number, now: number): SqlPredicate {
  const bindings: Array<string | number> = [];
  const bind = (v: string | number | undefined) => {
    if (v === undefined) throw new Error('missing rule value');
    bindings.push(v);
    return '?';
  };

  const node = (n: RuleNode): string => {
    if (n.type === 'group') {
      if (n.items.length === 0) return n.match === 'all' ? '1=1' : '1=0';
      return `(${n.items.map(node).join(n.match === 'all' ? ' AND ' : ' OR ')})`;
    }
    return cond(n);
  };

  const field = (name: string) => jsonScalarSql(dialect, 'c.data', bind(fieldPath(name)));

  const cond = (c: Condition): string => {
    switch (c.type) {
      case 'field': {
        switch (c.dataType) {
          case 'String': {
            const v = `LOWER(${field(c.field)})`;
            const val = (c.value ?? '').toLowerCase();
            switch (c.op) {
              case 'equals':
                return `${v} = ${bind(val)}`;
              case 'notEquals':
                // why: a contact without the value is "not equal" too, as a user reading the rule would expect.
                return `(${v} IS NULL OR LOWER(${field(c.field)}) <> ${bind(val)})`;
              case 'contains':
                return `${v} LIKE ${bind(`%${likeEscape(val)}%`)}${LIKE_ESCAPE_CLAUSE}`;
              case 'startsWith':
                return `${v} LIKE ${bind(`${likeEscape(val)}%`)}${LIKE_ESCAPE_CLAUSE}`;
              case 'endsWith':
                return `${v} LIKE ${bind(`%${likeEscape(val)}`)}${LIKE_ESCAPE_CLAUSE}`;
              case 'isEmpty':
                return `(${v} IS NULL OR LOWER(${field(c.field)}) = '')`;
              case 'isNotEmpty':
                return `${v} <> ''`;
            }
            break;
          }
          case 'Numeric': {
            const v = numberCastSql(dialect, field(c.field));
            if (c.op === 'between') return `${v} BETWEEN ${bind(c.values![0])} AND ${bind(c.values![1])}`;
            const sqlOp = c.op === '!=' ? '<>' : c.op;
            return `${v} ${sqlOp} ${bind(c.value)}`;
          }
          case 'Date': {
            // Dates are stored as ISO strings 'YYYY-MM-DDTHH:mm:ss.sssZ', which order as text.
            const v = field(c.field);
            // why: counted in whole UTC days from the start of today, so a real-time segment's members change only when
            // the day turns (DESIGN invariant 10), not at every millisecond: withinLastDays N = on or after the day N days
            // ago, moreThanDaysAgo N = before it (the two are complements for contacts with a value).
            if (c.op === 'withinLastDays' || c.op === 'moreThanDaysAgo') {
              const cutoff = new Date(utcDayStart(now) - c.days * DAY_MS).toISOString();
              return `${v} ${c.op === 'withinLastDays' ? '>=' : '<'} ${bind(cutoff)}`;
            }
            if (c.op !== 'before' && c.op !== 'after' && c.op !== 'on') throw new Error('unreachable date operator');
            const dayStart = Date.parse(`${c.value.slice(0, 10)}T00:00:00.000Z`);
            const start = new Date(dayStart).toISOString();
            const next = new Date(dayStart + DAY_MS).toISOString();
            if (c.op === 'before') return `${v} < ${bind(start)}`;
            if (c.op === 'after') return `${v} >= ${bind(next)}`;
            return `(${v} >= ${bind(start)} AND ${field(c.field)} < ${bind(next)})`;
          }
          case 'Boolean':
            return jsonBoolSql(dialect, field(c.field), c.op === 'isTrue');
        }
        break;
      }
      case 'contact': {
        if (c.prop === 'email') {
          if (c.op === 'equals') return `c.email_key = ${bind(c.value)}`;
          if (c.op === 'contains') return `c.email_key LIKE ${bind(`%${likeEscape(c.value)}%`)}${LIKE_ESCAPE_CLAUSE}`;
          return `c.email_key LIKE ${bind(`%@${likeEscape(c.value.replace(/^@/, ''))}`)}${LIKE_ESCAPE_CLAUSE}`;
        }
        const col = c.prop === 'optInType' ? 'c.opt_in_type' : c.prop === 'emailType' ? 'c.email_type' : 'c.status';
        return `${col} ${c.op === 'equals' ? '=' : '<>'} ${bind(c.value)}`;
      }
      case 'book': {
        const exists =
          `EXISTS (SELECT 1 FROM address_book_contacts m WHERE m.address_book_id = ${bind(c.bookId)} ` +
          `AND m.contact_id = c.id AND m.status = 'Subscribed')`;
        return c.op === 'in' ? exists : `NOT ${exists}`;
      }
      case 'campaign': {
        const activity = (type: string) => {
          let s = `EXISTS (SELECT 1 FROM activities a WHERE a.account_id = ${bind(accountId)} AND a.contact_id = c.id AND a.type = ${bind(type)}`;
          if (c.campaign !== 'any') s += ` AND a.campaign_id = ${bind(c.campaign)}`;
          if (c.withinDays !== undefined) s += ` AND a.occurred_at >= ${bind(now - c.withinDays * DAY_MS)}`;
          return `${s})`;
        };
        switch (c.op) {
          case 'sent':
            return activity('sent');
          case 'opened':
            return activity('open');
          case 'clicked':
            return activity('click');
          case 'notOpened':
            return `(${activity('sent')} AND NOT ${activity('open')})`;
          case 'notClicked':
            return `(${activity('sent')} AND NOT ${activity('click')})`;
          case 'pageViewed':
            return activity('pageView');
          case 'replied':
            // why: every reply type counts (auto-replies too), as the campaign summary's replies do.
            return activity('reply');
        }
      }
      case 'tx': {
        // A contact's records in one collection (index transactional_data(contact_id, collection)), every where test bound.
        const from = `FROM transactional_data t WHERE t.contact_id = c.id AND t.collection = ${bind(c.collection)}${c.where.map((w) => ` AND ${txWhere(w)}`).join('')}`;
        if (c.op === 'exists') return `EXISTS (SELECT 1 ${from})`;
        if (c.op === 'notExists') return `NOT EXISTS (SELECT 1 ${from})`;
        return `(SELECT COUNT(*) ${from}) >= ${bind(c.count)}`;
      }
    }
    throw new Error('unreachable rule node');
  };

  /** One typed test on a record's JSON value; the path (validated names only) and the value are bound. */
  const txWhere = (w: TxWhere): string => {
    const at = () => jsonScalarSql(dialect, 't.json', bind(`$${w.path.map((p) => `."${p}"`).join('')}`));
    switch (w.kind) {
      case 'number': {
        // why: shop connectors send amounts as numbers or as numeric strings ("120.50"); both compare as numbers.
        const sqlOp = w.op === '!=' ? '<>' : w.op;
        return `${numberCastSql(dialect, at())} ${sqlOp} ${bind(w.value)}`;
      }
      case 'string': {
        const val = w.value.toLowerCase();
        if (w.op === 'equals') return `LOWER(${at()}) = ${bind(val)}`;
        if (w.op === 'notEquals') return `(${at()} IS NULL OR LOWER(${at()}) <> ${bind(val)})`;
        if (w.op === 'contains') return `LOWER(${at()}) LIKE ${bind(`%${likeEscape(val)}%`)}${LIKE_ESCAPE_CLAUSE}`;
        return `LOWER(${at()}) LIKE ${bind(`${likeEscape(val)}%`)}${LIKE_ESCAPE_CLAUSE}`;
      }
      case 'date': {
        // ISO-8601 text (YYYY-MM-DD...) orders as text; compared by UTC day, as the data-field date rules are.
        if ('days' in w) {
          const cutoff = new Date(utcDayStart(now) - w.days * DAY_MS).toISOString().slice(0, 10);
          return `${at()} ${w.op === 'withinLastDays' ? '>=' : '<'} ${bind(cutoff)}`;
        }
        if (w.op === 'before') return `${at()} < ${bind(w.value)}`;
        return `${at()} >= ${bind(new Date(Date.parse(`${w.value}T00:00:00.000Z`) + DAY_MS).toISOString().slice(0, 10))}`;
      }
      case 'boolean':
        return jsonBoolSql(dialect, at(), w.op === 'isTrue');
    }
  };

  const sql = node(root);
  return { sql, bindings };
}
