import { Knex } from 'knex';

// Segment engine additions: the change sequence of the latest unreflected bulk write, manual full-refresh requests,
// per-change timestamps (so staleness after a partial refresh restarts at the first unreflected write), and
// refresh history rows tied to the job and process that ran them.

/** Adds the segment engine's columns and indexes. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('segments', (t) => {
    t.bigInteger('stale_change_seq'); // change seq of the latest bulk write that marked the segment stale
    t.boolean('full_requested').notNullable().defaultTo(false);
  });
  await knex.schema.alterTable('contact_changes', (t) => {
    t.bigInteger('changed_at');
    t.index(['account_id', 'seq', 'contact_id'], 'contact_changes_account_seq_contact');
  });
  await knex.schema.alterTable('segment_refreshes', (t) => {
    t.bigInteger('job_id');
    t.string('owner', 120);
    t.bigInteger('horizon_seq');
    t.index(['job_id']);
  });
}

/** Removes them again. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('segment_refreshes', (t) => {
    t.dropIndex(['job_id']);
    t.dropColumn('job_id');
    t.dropColumn('owner');
    t.dropColumn('horizon_seq');
  });
  await knex.schema.alterTable('contact_changes', (t) => {
    t.dropIndex(['account_id', 'seq', 'contact_id'], 'contact_changes_account_seq_contact');
    t.dropColumn('changed_at');
  });
  await knex.schema.alterTable('segments', (t) => {
    t.dropColumn('stale_change_seq');
    t.dropColumn('full_requested');
  });
}
