import { Knex } from 'knex';

// Issue #21 part B: stored documents and images (with their folder trees and campaign attachments), split-test
// campaigns and their sends, automation programs and enrolments; the outbox learns which split-test variant or which
// program a row belongs to.
// why: numbered 014; 011-013 are other branches' (their order is fixed by the list in migrate.ts).

/** Creates the tables and the outbox columns. */
export async function up(knex: Knex): Promise<void> {
  const mysql = knex.client.config.client === 'mysql2';
  // One folder tree per account and kind (document | image); parent_id null = a top-level folder.
  await knex.schema.createTable('file_folders', (t) => {
    t.increments('id').primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('kind', 10).notNullable();
    t.integer('parent_id').unsigned().nullable();
    t.string('name', 200).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['account_id', 'kind', 'parent_id']);
  });
  // Uploaded files; folder_id null = the kind's root folder. public_key: the unguessable part of an image's URL.
  await knex.schema.createTable('stored_files', (t) => {
    t.increments('id').primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('kind', 10).notNullable();
    t.integer('folder_id').unsigned().nullable();
    t.string('name', 200).notNullable();
    t.string('file_name', 200).notNullable();
    t.string('content_type', 120).notNullable();
    t.integer('size').notNullable();
    t.string('public_key', 64).nullable().unique();
    t.binary('data').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['account_id', 'kind', 'folder_id']);
  });
  // why: knex's binary() is a 64 KB BLOB on MySQL; a stored file may be 5 MB (MEDIUMBLOB holds 16 MB).
  if (mysql) await knex.raw('alter table stored_files modify data mediumblob not null');
  await knex.schema.createTable('campaign_attachments', (t) => {
    t.integer('campaign_id').unsigned().notNullable().references('campaigns.id').onDelete('CASCADE');
    t.integer('document_id').unsigned().notNullable().references('stored_files.id').onDelete('CASCADE');
    t.integer('account_id').unsigned().notNullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['campaign_id', 'document_id']);
  });
  // A split-test campaign: what varies, and its versions (A, B, ...): each a subject, sender and content.
  await knex.schema.createTable('campaign_split_tests', (t) => {
    t.integer('campaign_id').unsigned().primary().references('campaigns.id').onDelete('CASCADE');
    t.integer('account_id').unsigned().notNullable();
    t.string('split_option', 20).notNullable();
  });
  await knex.schema.createTable('campaign_variants', (t) => {
    t.integer('campaign_id').unsigned().notNullable().references('campaigns.id').onDelete('CASCADE');
    t.string('variant', 2).notNullable();
    t.string('subject', 500);
    t.string('from_name', 200);
    t.string('from_address', 254);
    // why: MEDIUMTEXT on MySQL/MariaDB (TEXT holds 64 KB), as campaigns' own content (005_wide_text).
    t.text('html_content', 'mediumtext');
    t.text('plain_text_content', 'mediumtext');
    t.primary(['campaign_id', 'variant']);
  });
  // A split-test send: its test settings, when the test ends, and the winner once picked.
  await knex.schema.createTable('split_test_sends', (t) => {
    t.string('send_id', 36).primary().references('campaign_sends.id').onDelete('CASCADE');
    t.integer('account_id').unsigned().notNullable();
    t.integer('campaign_id').unsigned().notNullable();
    t.string('metric', 10).notNullable();
    t.integer('test_percentage').notNullable();
    t.integer('test_period_hours').notNullable();
    t.bigInteger('test_ends_at');
    t.string('winner', 2);
    t.bigInteger('decided_at');
  });
  // Which variant each test recipient got (the rest get the winner later).
  await knex.schema.createTable('split_test_recipients', (t) => {
    t.string('send_id', 36).notNullable().references('campaign_sends.id').onDelete('CASCADE');
    t.integer('contact_id').unsigned().notNullable();
    t.string('variant', 2).notNullable();
    t.primary(['send_id', 'contact_id']);
  });
  await knex.schema.createTable('programs', (t) => {
    t.increments('id').primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.string('status', 20).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['account_id']);
  });
  await knex.schema.createTable('program_enrolments', (t) => {
    t.string('id', 36).primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.integer('program_id').unsigned().notNullable();
    t.string('status', 20).notNullable();
    // JSON int arrays; up to 10,000 ids: MEDIUMTEXT on MySQL/MariaDB, as campaign_sends' lists (005_wide_text).
    t.text('contact_ids', 'mediumtext').notNullable();
    t.text('address_book_ids', 'mediumtext').notNullable();
    t.text('refreshed_segments'); // JSON int array
    t.integer('enrolled');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('finished_at');
    t.index(['account_id', 'status', 'created_at']);
  });
  await knex.schema.createTable('program_enrolment_faults', (t) => {
    t.string('enrolment_id', 36).notNullable().references('program_enrolments.id').onDelete('CASCADE');
    t.integer('contact_id').unsigned().notNullable();
    t.string('reason', 60).notNullable();
    t.primary(['enrolment_id', 'contact_id']);
  });
  await knex.schema.alterTable('outbox', (t) => {
    t.string('variant', 2).nullable();
    t.integer('program_id').unsigned().nullable();
  });
}

/** Drops them again. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('outbox', (t) => {
    t.dropColumn('variant');
    t.dropColumn('program_id');
  });
  for (const t of [
    'program_enrolment_faults', 'program_enrolments', 'programs', 'split_test_recipients', 'split_test_sends',
    'campaign_variants', 'campaign_split_tests', 'campaign_attachments', 'stored_files', 'file_folders',
  ]) {
    await knex.schema.dropTableIfExists(t);
  }
}
