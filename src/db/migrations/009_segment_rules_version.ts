import { Knex } from 'knex';

// A single write evaluates the account's real-time segments from rules compiled once and cached per process. The
// cache must notice any change to those rules made by any process, without reading every segment on every write:
// accounts.segment_rules_version is bumped in the same transaction as every segment insert, rule or kind change and
// deletion, so one primary-key read tells a writer whether its cached rules are current.

/** Adds accounts.segment_rules_version. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.bigInteger('segment_rules_version').notNullable().defaultTo(0);
  });
}

/** Drops it. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('accounts', (t) => {
    t.dropColumn('segment_rules_version');
  });
}
