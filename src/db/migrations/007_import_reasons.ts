import { Knex } from 'knex';

// Imports: the text encoding a CSV upload was read in (chosen once at upload, from its BOM or by checking all its
// bytes for UTF-8), and the reason an import ended InvalidFileFormat or Failed, for the report route, the CLI and
// the status page (error_code keeps the vendor token).

/** Adds imports.encoding and imports.error_text. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('imports', (t) => {
    t.string('encoding', 16);
    t.string('error_text', 255);
  });
}

/** Drops them again. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table imports drop column error_text');
  await knex.raw('alter table imports drop column encoding');
}
