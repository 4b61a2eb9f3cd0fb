import { Knex } from 'knex';

// The rest of the legacy surface, part A (issue #21): campaign templates, per-account custom from addresses, and a
// consumable outbox that holds every kind of delivery the gateway records but does not perform (campaign emails,
// single SMS messages, ...). A delivery worker claims rows with a lease and acknowledges them (docs/outbox.md).
// why: numbered 013: 011/012 are reserved for other branches; part B (014) adds outbox.variant and outbox.program_id.

/** Creates templates and custom_from_addresses; makes the outbox hold any kind of row and be claimable. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('templates', (t) => {
    t.increments('id').primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('name', 255).notNullable();
    t.string('subject', 255);
    t.string('from_name', 255);
    t.text('html_content', 'mediumtext');
    t.text('plain_text_content', 'mediumtext');
    t.string('reply_action', 20).notNullable();
    t.string('reply_to_address', 254);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['account_id', 'id']);
  });
  await knex.schema.createTable('custom_from_addresses', (t) => {
    t.increments('id').primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('email', 254).notNullable();
    // why: unique per account on the lower-cased address, so `News@x` and `news@x` are one sender.
    t.string('email_key', 254).notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['account_id', 'email_key']);
  });
  // The outbox: rows of any kind, each with its account; a campaign email keeps (send_id, contact_id) unique.
  await knex.schema.alterTable('outbox', (t) => {
    t.string('send_id', 36).nullable().alter();
    t.integer('contact_id').unsigned().nullable().alter();
    t.string('email', 254).nullable().alter();
  });
  const has = await knex.schema.hasColumn('outbox', 'account_id');
  await knex.schema.alterTable('outbox', (t) => {
    if (!has) t.integer('account_id').unsigned().nullable();
    t.string('kind', 20).notNullable().defaultTo('email');
    t.string('telephone', 20).nullable();
    t.text('payload').nullable();
    t.string('claim_token', 36).nullable();
    t.bigInteger('claimed_until').nullable();
    t.bigInteger('acked_at').nullable();
  });
  // Rows written before this migration belong to their send's account.
  await knex.raw('update outbox set account_id = (select s.account_id from campaign_sends s where s.id = outbox.send_id) where account_id is null and send_id is not null');
  await knex.schema.alterTable('outbox', (t) => {
    // Claims scan unacknowledged rows in id order, per account or across all.
    t.index(['acked_at', 'id'], 'outbox_pending');
    t.index(['account_id', 'acked_at', 'id'], 'outbox_account_pending');
    t.index(['claim_token'], 'outbox_claim_token');
  });
}

/** Drops them again (rows of other kinds than email are removed, as the old outbox could not hold them). */
export async function down(knex: Knex): Promise<void> {
  await knex('outbox').whereNot({ kind: 'email' }).delete();
  await knex.schema.alterTable('outbox', (t) => {
    t.dropIndex(['acked_at', 'id'], 'outbox_pending');
    t.dropIndex(['account_id', 'acked_at', 'id'], 'outbox_account_pending');
    t.dropIndex(['claim_token'], 'outbox_claim_token');
  });
  await knex.schema.alterTable('outbox', (t) => {
    t.dropColumn('account_id');
    t.dropColumn('kind');
    t.dropColumn('telephone');
    t.dropColumn('payload');
    t.dropColumn('claim_token');
    t.dropColumn('claimed_until');
    t.dropColumn('acked_at');
  });
  await knex.schema.alterTable('outbox', (t) => {
    t.string('send_id', 36).notNullable().alter();
    t.integer('contact_id').unsigned().notNullable().alter();
    t.string('email', 254).notNullable().alter();
  });
  await knex.schema.dropTable('custom_from_addresses');
  await knex.schema.dropTable('templates');
}
