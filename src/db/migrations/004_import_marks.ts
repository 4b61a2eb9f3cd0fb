import { Knex } from 'knex';

// Imports: which import last took a contact's email, so duplicate emails are found by the contact lookup every
// chunk already makes, instead of one more indexed row per imported row in import_seen. Each import gets a mark
// unique within its account; an upsert writes it into the contact and keeps the one it replaced (import_mark_was),
// so a claim that a concurrent import displaced can still be recorded (in import_seen) for the import that made it.

/** Adds contacts.import_mark / import_mark_was and imports.mark. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('contacts', (t) => {
    t.integer('import_mark');
    t.integer('import_mark_was');
  });
  await knex.schema.alterTable('imports', (t) => {
    t.integer('mark');
  });
}

/** Drops them again. */
export async function down(knex: Knex): Promise<void> {
  // why: raw DROP COLUMN (SQLite 3.35+, MySQL) instead of knex's SQLite table rebuild of the contacts table.
  await knex.raw('alter table imports drop column mark');
  await knex.raw('alter table contacts drop column import_mark_was');
  await knex.raw('alter table contacts drop column import_mark');
}
