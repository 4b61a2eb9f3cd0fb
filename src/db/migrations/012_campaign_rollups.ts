import { Knex } from 'knex';

// Campaign reporting (issue #20): exact rollups for the campaign summary. `campaign_counters` holds one row per
// account, campaign and stored activity type (events, distinct contacts, Numeric ROI total, earliest event), and
// `campaign_firsts` one row per campaign, type and contact (its first such event) for the types the summary counts
// uniquely, so a distinct-contact count is a +1 only when a contact's first row is inserted. Both are written in the
// same transaction as the activity rows (ingestion and sends), so the summary reads a handful of rows instead of
// scanning the campaign's activity. The migration backfills both from the activity rows already stored.
// why: numbered 012 (reserved for this branch); 011 belongs to another branch and the list in migrate.ts fixes the order.

/** Stored activity types whose distinct contacts the summary counts (mirrors UNIQUE_TYPES in repos/campaignRollups). */
const UNIQUE_TYPES = ['sent', 'open', 'click', 'bounce', 'softbounce', 'unsubscribe'];

/** Creates the rollup tables and fills them from the existing activity rows. */
export async function up(knex: Knex): Promise<void> {
  const mysql = knex.client.config.client === 'mysql2';
  await knex.schema.createTable('campaign_counters', (t) => {
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.integer('campaign_id').unsigned().notNullable();
    t.string('type', 20).notNullable();
    t.bigInteger('n').notNullable().defaultTo(0);
    t.bigInteger('contacts').notNullable().defaultTo(0);
    t.decimal('value_total', 30, 4).notNullable().defaultTo(0);
    t.bigInteger('first_at').notNullable();
    t.primary(['account_id', 'campaign_id', 'type']);
  });
  await knex.schema.createTable('campaign_firsts', (t) => {
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.integer('campaign_id').unsigned().notNullable();
    t.string('type', 20).notNullable();
    t.integer('contact_id').unsigned().notNullable();
    t.bigInteger('first_at').notNullable();
    t.primary(['campaign_id', 'type', 'contact_id']);
  });
  const types = UNIQUE_TYPES.map((x) => `'${x}'`).join(', ');
  const cast = mysql ? 'cast(detail_value as decimal(20,4))' : 'cast(detail_value as real)';
  await knex.raw(
    `insert into campaign_firsts (account_id, campaign_id, type, contact_id, first_at) ` +
      `select account_id, campaign_id, type, contact_id, min(occurred_at) from activities ` +
      `where campaign_id is not null and type in (${types}) group by account_id, campaign_id, type, contact_id`,
  );
  await knex.raw(
    `insert into campaign_counters (account_id, campaign_id, type, n, contacts, value_total, first_at) ` +
      `select account_id, campaign_id, type, count(*), count(distinct case when type in (${types}) then contact_id end), ` +
      `coalesce(sum(case when type = 'roi' and value_type = 'Numeric' then ${cast} else 0 end), 0), min(occurred_at) ` +
      `from activities where campaign_id is not null group by account_id, campaign_id, type`,
  );
}

/** Drops them again. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('campaign_firsts');
  await knex.schema.dropTableIfExists('campaign_counters');
}
