import { Knex } from 'knex';

// MySQL/MariaDB's TEXT holds 64 KB. Columns whose content the API lets grow past that become MEDIUMTEXT (16 MB):
// a contact's data (hundreds of String fields of 255 characters), a rejected import row's cells, an import's cursor
// (the header row), a campaign's HTML and plain text, and a send's id lists. SQLite's TEXT has no such limit.

/** Columns widened, with whether they are NOT NULL. */
const WIDE: Array<[table: string, column: string, notNull: boolean]> = [
  ['contacts', 'data', true],
  ['import_faults', 'data', false],
  ['imports', 'cursor', false],
  ['campaigns', 'html_content', false],
  ['campaigns', 'plain_text_content', false],
  ['campaign_sends', 'address_book_ids', true],
  ['campaign_sends', 'contact_ids', true],
];

async function retype(knex: Knex, type: 'MEDIUMTEXT' | 'TEXT'): Promise<void> {
  if (knex.client.config.client !== 'mysql2') return;
  for (const [table, column, notNull] of WIDE) {
    await knex.raw(`ALTER TABLE ?? MODIFY ?? ${type}${notNull ? ' NOT NULL' : ' NULL'}`, [table, column]);
  }
}

/** Widens the columns to MEDIUMTEXT on MySQL/MariaDB. */
export async function up(knex: Knex): Promise<void> {
  await retype(knex, 'MEDIUMTEXT');
}

/** Narrows them back to TEXT. */
export async function down(knex: Knex): Promise<void> {
  await retype(knex, 'TEXT');
}
