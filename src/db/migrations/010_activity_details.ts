import { Knex } from 'knex';

// Campaign reporting (issue #20): activities carry the type-specific details the vendor's reporting operations return
// (a click's link group; a reply's type, subject and message; an ROI marker's name, type and value; a social
// bookmark's name), and indexes serve the per-campaign reads: counters by type (distinct contacts), per-contact
// activity, and "since date" feeds.
// why: numbered 010, not 009: another branch (segment rules version) already takes 009; the list in migrate.ts fixes the order.

/** Adds the detail columns and the reporting indexes. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('activities', (t) => {
    t.string('link_group', 200).nullable();
    t.string('detail_name', 200).nullable();
    t.string('detail_value', 500).nullable();
    t.string('value_type', 10).nullable();
    t.string('subject', 500).nullable();
    t.text('message').nullable();
  });
  await knex.schema.alterTable('activities', (t) => {
    t.dropIndex(['campaign_id', 'type']);
    t.index(['campaign_id', 'type', 'contact_id'], 'activities_campaign_type_contact');
    t.index(['campaign_id', 'contact_id', 'type'], 'activities_campaign_contact_type');
    t.index(['campaign_id', 'type', 'occurred_at'], 'activities_campaign_type_time');
  });
}

/** Drops them again. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('activities', (t) => {
    t.dropIndex(['campaign_id', 'type', 'contact_id'], 'activities_campaign_type_contact');
    t.dropIndex(['campaign_id', 'contact_id', 'type'], 'activities_campaign_contact_type');
    t.dropIndex(['campaign_id', 'type', 'occurred_at'], 'activities_campaign_type_time');
    t.index(['campaign_id', 'type']);
  });
  await knex.schema.alterTable('activities', (t) => {
    t.dropColumn('link_group');
    t.dropColumn('detail_name');
    t.dropColumn('detail_value');
    t.dropColumn('value_type');
    t.dropColumn('subject');
    t.dropColumn('message');
  });
}
