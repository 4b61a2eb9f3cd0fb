import { Knex } from 'knex';

// Status page sessions live in the database, so every gateway process accepts the same sessions and a sign-out on any
// process ends the session everywhere. A row is keyed by the SHA-256 of the cookie's random token: the token itself
// is never stored, so a copy of the table opens no session. Rows past expires_at are deleted at the next sign-in.

/** Creates status_sessions. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('status_sessions', (t) => {
    t.string('id', 64).primary(); // hex SHA-256 of the cookie token
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('username', 254).notNullable();
    t.string('csrf', 64).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['expires_at']);
  });
}

/** Drops it. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('status_sessions');
}
