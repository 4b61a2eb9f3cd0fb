import { Knex } from 'knex';
import { dayTurnAfter, RuleGroup, SegmentKind } from '../../domain/segmentRules';
import { parseJson } from '../sql';

// Time-relative rules (withinLastDays, moreThanDaysAgo) change membership when the UTC day turns, without any write.
// segments.relative_until holds the UTC midnight at which the members computed by the last full refresh stop being
// right (NULL when the rules are not relative to today). Freshness reads and the sweeper compare it with now, so the
// day turn is a fact in the database: no tick or running process is needed for a segment to read as stale.

/** Adds segments.relative_until and fills it for existing time-relative real-time segments. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('segments', (t) => {
    t.bigInteger('relative_until').nullable();
  });
  const rows = await knex('segments').whereNotNull('last_refreshed_at').select('id', 'rules', 'kind', 'last_refreshed_at');
  for (const r of rows) {
    const rules = parseJson<RuleGroup>(r.rules, { type: 'group', match: 'all', items: [] });
    // why: the existing members were computed at their last refresh at the latest, so they expire at the midnight after it.
    const until = dayTurnAfter(rules, r.kind as SegmentKind, Number(r.last_refreshed_at));
    if (until !== null) await knex('segments').where({ id: r.id }).update({ relative_until: until });
  }
}

/** Drops it. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('segments', (t) => {
    t.dropColumn('relative_until');
  });
}
