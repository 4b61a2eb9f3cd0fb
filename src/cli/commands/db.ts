import { Command } from 'commander';

/** The database modules, loaded when a db command runs (see context.ts). */
async function dbModules() {
  const [{ loadConfig }, { connect }, { migrateLatest, migrationStatus }] = await Promise.all([
    import('../../config'),
    import('../../db/connection'),
    import('../../db/migrate'),
  ]);
  return { loadConfig, connect, migrateLatest, migrationStatus };
}

/** `db migrate|status`. */
export function dbCommands(program: Command): void {
  const db = program.command('db').description('database maintenance');
  db.command('migrate')
    .description('apply pending migrations')
    .action(async () => {
      const { loadConfig, connect, migrateLatest } = await dbModules();
      const { knex } = await connect(loadConfig().db);
      try {
        const applied = await migrateLatest(knex);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'up to date');
      } finally {
        await knex.destroy();
      }
    });
  db.command('status')
    .description('list applied and pending migrations (exit 1 when some are pending)')
    .action(async () => {
      const { loadConfig, connect, migrationStatus } = await dbModules();
      const { knex } = await connect(loadConfig().db);
      try {
        const st = await migrationStatus(knex);
        for (const m of st.applied) console.log(`applied  ${m}`);
        for (const m of st.pending) console.log(`pending  ${m}`);
        if (st.pending.length) process.exitCode = 1;
      } finally {
        await knex.destroy();
      }
    });
}
