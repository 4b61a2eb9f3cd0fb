import { Knex } from 'knex';

// Transactional data (issue #19): named collections of keyed JSON records ("insight data"), each attached to a contact
// (contact-scoped collections: orders, baskets) or to no contact (account-scoped collections: a product catalog).
// The record's JSON is stored as text exactly as the caller sent it, so it reads back byte for byte.

/** Creates transactional_data. */
export async function up(knex: Knex): Promise<void> {
  const mysql = knex.client.config.client === 'mysql2';
  await knex.schema.createTable('transactional_data', (t) => {
    t.bigIncrements('id').primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    // why: binary collation on MySQL/MariaDB, so collection names and keys are exact (case-sensitive) as on SQLite:
    // `Order-1` and `order-1` are two records on both engines.
    const exact = (c: Knex.ColumnBuilder) => (mysql ? c.collate('utf8mb4_bin') : c);
    exact(t.string('collection', 100).notNullable());
    exact(t.string('record_key', 255).notNullable());
    // why: null for account-scoped records; deleting a contact deletes its records (the vendor's rule).
    t.integer('contact_id').unsigned().nullable().references('contacts.id').onDelete('CASCADE');
    // why: mediumtext on MySQL/MariaDB: a record may be up to the service's JSON cap (256 KiB), over TEXT's 64 KiB.
    if (mysql) t.text('json', 'mediumtext').notNullable();
    else t.text('json').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['account_id', 'collection', 'record_key'], { indexName: 'txdata_account_collection_key' });
    // Reads by contact (GET/DELETE per contact) and the segment conditions (records of a contact in a collection).
    t.index(['contact_id', 'collection'], 'txdata_contact_collection');
  });
}

/** Drops transactional_data. */
export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('transactional_data');
}
