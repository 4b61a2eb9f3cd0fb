import { Knex } from 'knex';
import * as m001 from './migrations/001_initial';
import * as m002 from './migrations/002_imports';
import * as m003 from './migrations/003_segments';
import * as m004 from './migrations/004_import_marks';
import * as m005 from './migrations/005_wide_text';
import * as m006 from './migrations/006_status_sessions';
import * as m007 from './migrations/007_import_reasons';
import * as m008 from './migrations/008_segment_day_turn';
import * as m009 from './migrations/009_segment_rules_version';
import * as m010 from './migrations/010_activity_details';
import * as m011 from './migrations/011_transactional_data';
import * as m012 from './migrations/012_campaign_rollups';
import * as m013 from './migrations/013_templates_from_sms';
import * as m014 from './migrations/014_files_split_programs';

/** The migration history, in order; one list serves SQLite and MySQL/MariaDB alike. */
const MIGRATIONS: Array<{ name: string; up(k: Knex): Promise<void>; down(k: Knex): Promise<void> }> = [
  { name: '001_initial', ...m001 },
  { name: '002_imports', ...m002 },
  { name: '003_segments', ...m003 },
  { name: '004_import_marks', ...m004 },
  { name: '005_wide_text', ...m005 },
  { name: '006_status_sessions', ...m006 },
  { name: '007_import_reasons', ...m007 },
  { name: '008_segment_day_turn', ...m008 },
  { name: '009_segment_rules_version', ...m009 },
  { name: '010_activity_details', ...m010 },
  { name: '011_transactional_data', ...m011 },
  { name: '012_campaign_rollups', ...m012 },
  { name: '013_templates_from_sms', ...m013 },
  { name: '014_files_split_programs', ...m014 },
];

// why: a fixed in-code list instead of a directory scan, so migrations work the same under tsx, compiled JS and tests.
const source: Knex.MigrationSource<(typeof MIGRATIONS)[number]> = {
  getMigrations: async () => MIGRATIONS,
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
};

/** Applies every pending migration; returns the names applied. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest({ migrationSource: source })) as [number, string[]];
  return applied;
}

/** Lists applied and pending migrations. */
export async function migrationStatus(knex: Knex): Promise<{ applied: string[]; pending: string[] }> {
  const [done, pending] = (await knex.migrate.list({ migrationSource: source })) as [
    Array<{ name: string } | string>,
    Array<{ name: string } | string>,
  ];
  const n = (x: { name: string } | string) => (typeof x === 'string' ? x : x.name);
  return { applied: done.map(n), pending: pending.map(n) };
}

/** Rolls every migration back (tests and `db reset`). */
export async function migrateRollbackAll(knex: Knex): Promise<void> {
  await knex.migrate.rollback({ migrationSource: source }, true);
}
