import { Knex } from 'knex';

// Imports: the per-import set of email keys already taken, so duplicate emails are found across chunks and across a
// resume with set-based SQL instead of holding every email of a file in memory.

/** Creates import_seen. */
export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'mysql2') {
    await knex.schema.createTable('import_seen', (t) => {
      t.string('import_id', 36).notNullable().references('imports.id').onDelete('CASCADE');
      t.string('email_key', 254).notNullable();
      t.primary(['import_id', 'email_key']);
    });
  } else {
    // why: WITHOUT ROWID keeps one B-tree (the primary key) instead of a rowid table plus a unique index: one write per row.
    await knex.raw(
      'create table import_seen (import_id varchar(36) not null references imports(id) on delete cascade, ' +
        'email_key varchar(254) not null, primary key (import_id, email_key)) without rowid',
    );
  }
  // why: knex's binary() is a 64 KB BLOB on MySQL; uploads are stored in 256 KB pieces.
  if (knex.client.config.client === 'mysql2') await knex.raw('alter table import_blobs modify data mediumblob not null');
}

/** Drops import_seen. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('import_seen');
}
