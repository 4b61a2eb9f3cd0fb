import { Knex } from 'knex';

// The whole product's data model in one first migration, so later work adds columns rather than rewriting.
// Times are epoch milliseconds (BIGINT) on both engines: no time-zone or DATETIME precision quirks.

/** Creates every table of the product. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('accounts', (t) => {
    t.increments('id').primary();
    t.string('name', 200).notNullable();
    t.bigInteger('created_at').notNullable();
    // Bumped (under the row lock) by every bulk write, so a refresh can read a consistent change horizon.
    t.bigInteger('change_seq').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('api_users', (t) => {
    t.increments('id').primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('username', 254).notNullable();
    t.string('username_key', 254).notNullable().unique();
    t.string('password_hash', 200).notNullable();
    t.boolean('disabled').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.index(['account_id']);
  });
  await knex.schema.createTable('data_fields', (t) => {
    t.increments('id').primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('name', 40).notNullable();
    t.string('type', 10).notNullable();
    t.string('visibility', 10).notNullable();
    t.text('default_value'); // JSON
    t.bigInteger('created_at').notNullable();
    t.unique(['account_id', 'name']);
  });
  await knex.schema.createTable('contacts', (t) => {
    t.increments('id').primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('email', 254).notNullable();
    t.string('email_key', 254).notNullable();
    t.string('opt_in_type', 20).notNullable();
    t.string('email_type', 20).notNullable();
    t.string('audience_type', 10).notNullable();
    t.text('notes');
    t.string('status', 30).notNullable();
    t.bigInteger('status_changed_at');
    t.text('data').notNullable(); // JSON object {FIELDNAME: value}
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['account_id', 'email_key']);
    t.index(['account_id', 'updated_at']);
    t.index(['account_id', 'created_at']);
    t.index(['account_id', 'status', 'status_changed_at']);
  });
  // Address books and segments share one id space: the vendor sends to a segment by putting its id in addressBookIds.
  await knex.schema.createTable('address_books', (t) => {
    t.increments('id').primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('kind', 10).notNullable(); // book | segment
    t.string('name', 200).notNullable();
    t.string('name_key', 200).notNullable();
    t.string('visibility', 10).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['account_id', 'kind', 'name_key']);
  });
  await knex.schema.createTable('address_book_contacts', (t) => {
    t.integer('address_book_id').unsigned().notNullable().references('address_books.id').onDelete('CASCADE');
    t.integer('contact_id').unsigned().notNullable().references('contacts.id').onDelete('CASCADE');
    t.integer('account_id').unsigned().notNullable();
    t.string('status', 20).notNullable(); // Subscribed | Unsubscribed (unsubscribed from this book only)
    t.bigInteger('added_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('unsubscribed_at');
    t.primary(['address_book_id', 'contact_id']);
    t.index(['contact_id']);
    t.index(['address_book_id', 'status', 'updated_at']);
  });
  await knex.schema.createTable('segments', (t) => {
    t.integer('id').unsigned().primary().references('address_books.id').onDelete('CASCADE');
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.text('rules').notNullable(); // JSON rule tree
    t.string('kind', 12).notNullable(); // realtime | behavioural
    t.integer('member_count').notNullable().defaultTo(0);
    t.integer('rules_version').notNullable().defaultTo(1);
    t.integer('members_rules_version').notNullable().defaultTo(0); // rules version the members were computed for
    t.bigInteger('last_refreshed_at');
    t.bigInteger('stale_since'); // first bulk write not yet reflected
    t.bigInteger('last_stale_write_at'); // latest bulk write not yet reflected (debounce)
    t.bigInteger('applied_change_seq').notNullable().defaultTo(0);
    t.string('refresh_status', 12).notNullable().defaultTo('NotStarted');
    t.bigInteger('refresh_requested_at');
    t.text('refresh_error');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['account_id', 'kind']);
    t.index(['stale_since']);
  });
  await knex.schema.createTable('segment_members', (t) => {
    t.integer('segment_id').unsigned().notNullable().references('segments.id').onDelete('CASCADE');
    t.integer('contact_id').unsigned().notNullable().references('contacts.id').onDelete('CASCADE');
    t.primary(['segment_id', 'contact_id']);
    t.index(['contact_id']);
  });
  // Contacts changed by bulk writes, per account change horizon; the segment refresher consumes them.
  await knex.schema.createTable('contact_changes', (t) => {
    t.bigIncrements('id').primary();
    t.integer('account_id').unsigned().notNullable();
    t.bigInteger('seq').notNullable();
    t.integer('contact_id').unsigned().notNullable();
    t.index(['account_id', 'seq']);
  });
  await knex.schema.createTable('segment_refreshes', (t) => {
    t.increments('id').primary();
    t.integer('segment_id').unsigned().notNullable().references('segments.id').onDelete('CASCADE');
    t.integer('account_id').unsigned().notNullable();
    t.string('reason', 12).notNullable(); // sweep | manual | send | rules | cli
    t.string('mode', 12).notNullable(); // full | incremental
    t.string('status', 12).notNullable();
    t.integer('changed_contacts');
    t.integer('member_count');
    t.bigInteger('requested_at').notNullable();
    t.bigInteger('started_at');
    t.bigInteger('finished_at');
    t.text('error');
    t.index(['segment_id', 'requested_at']);
  });
  await knex.schema.createTable('imports', (t) => {
    t.string('id', 36).primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.integer('address_book_id').unsigned();
    t.string('file_name', 255).notNullable();
    t.string('format', 8).notNullable(); // csv | xls | xlsx
    t.bigInteger('size_bytes').notNullable();
    t.string('status', 30).notNullable();
    t.string('dialect', 10);
    t.integer('total_rows');
    t.integer('rows_done').notNullable().defaultTo(0);
    t.text('cursor'); // JSON resume state of the last committed chunk
    t.text('report'); // JSON counters
    t.string('error_code', 60);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('started_at');
    t.bigInteger('finished_at');
    t.index(['account_id', 'status']);
  });
  await knex.schema.createTable('import_blobs', (t) => {
    t.string('import_id', 36).notNullable().references('imports.id').onDelete('CASCADE');
    t.integer('seq').notNullable();
    t.binary('data').notNullable();
    t.primary(['import_id', 'seq']);
  });
  await knex.schema.createTable('import_faults', (t) => {
    t.bigIncrements('id').primary();
    t.string('import_id', 36).notNullable().references('imports.id').onDelete('CASCADE');
    t.integer('row_no').notNullable();
    t.string('reason', 60).notNullable();
    t.string('email', 300);
    t.text('data'); // JSON array of the row's cells
    t.index(['import_id', 'row_no']);
  });
  // Persisted background work (imports, segment refreshes, campaign sends), claimed with a lease.
  await knex.schema.createTable('jobs', (t) => {
    t.bigIncrements('id').primary();
    t.integer('account_id').unsigned();
    t.string('type', 30).notNullable();
    t.string('ref', 64).notNullable();
    t.string('status', 12).notNullable(); // queued | running | done | failed
    t.string('dedupe_key', 100).unique(); // set while queued/running so duplicates join the existing job
    t.text('payload');
    t.bigInteger('run_after').notNullable();
    t.string('lease_owner', 120);
    t.bigInteger('lease_until');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.bigInteger('finished_at');
    t.index(['status', 'run_after']);
    t.index(['type', 'ref']);
  });
  await knex.schema.createTable('campaigns', (t) => {
    t.increments('id').primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.string('subject', 500);
    t.string('from_name', 200);
    t.string('from_address', 254);
    t.text('html_content');
    t.text('plain_text_content');
    t.string('reply_action', 20);
    t.string('reply_to_address', 254);
    t.string('status', 30).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['account_id']);
  });
  await knex.schema.createTable('campaign_sends', (t) => {
    t.string('id', 36).primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.integer('campaign_id').unsigned().notNullable().references('campaigns.id').onDelete('CASCADE');
    t.text('address_book_ids').notNullable(); // JSON int array
    t.text('contact_ids').notNullable(); // JSON int array
    t.bigInteger('send_date').notNullable();
    t.string('status', 20).notNullable();
    t.integer('recipients');
    t.text('refreshed_segments'); // JSON int array
    t.bigInteger('created_at').notNullable();
    t.bigInteger('started_at');
    t.bigInteger('finished_at');
    t.index(['account_id', 'created_at']);
  });
  await knex.schema.createTable('send_recipients', (t) => {
    t.string('send_id', 36).notNullable().references('campaign_sends.id').onDelete('CASCADE');
    t.integer('contact_id').unsigned().notNullable();
    t.string('email', 254).notNullable();
    t.primary(['send_id', 'contact_id']);
  });
  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('id').primary();
    t.string('send_id', 36).notNullable();
    t.integer('contact_id').unsigned().notNullable();
    t.string('email', 254).notNullable();
    t.string('subject', 500);
    t.bigInteger('created_at').notNullable();
    t.unique(['send_id', 'contact_id']);
  });
  await knex.schema.createTable('activities', (t) => {
    t.bigIncrements('id').primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('event_id', 100).notNullable();
    t.string('send_id', 36);
    t.integer('campaign_id').unsigned();
    t.integer('contact_id').unsigned().notNullable();
    t.string('type', 20).notNullable(); // sent | open | click | bounce | unsubscribe
    t.string('url', 2000);
    t.bigInteger('occurred_at').notNullable();
    t.unique(['account_id', 'event_id']);
    t.index(['account_id', 'contact_id', 'type']);
    t.index(['campaign_id', 'type']);
  });
  await knex.schema.createTable('surveys', (t) => {
    t.increments('id').primary();
    t.integer('account_id').unsigned().notNullable().references('accounts.id').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.text('questions').notNullable(); // JSON [{id, text, dataField}]
    t.bigInteger('created_at').notNullable();
  });
  await knex.schema.createTable('survey_responses', (t) => {
    t.bigIncrements('id').primary();
    t.integer('survey_id').unsigned().notNullable().references('surveys.id').onDelete('CASCADE');
    t.integer('contact_id').unsigned();
    t.string('email', 254).notNullable();
    t.text('answers').notNullable();
    t.bigInteger('received_at').notNullable();
    t.index(['survey_id']);
  });
}

/** Drops every table (reverse order of creation). */
export async function down(knex: Knex): Promise<void> {
  for (const t of [
    'survey_responses', 'surveys', 'activities', 'outbox', 'send_recipients', 'campaign_sends', 'campaigns', 'jobs',
    'import_faults', 'import_blobs', 'imports', 'segment_refreshes', 'contact_changes', 'segment_members', 'segments',
    'address_book_contacts', 'address_books', 'contacts', 'data_fields', 'api_users', 'accounts',
  ]) {
    await knex.schema.dropTableIfExists(t);
  }
}
