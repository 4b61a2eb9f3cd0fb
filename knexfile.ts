// knex CLI configuration; the gateway itself migrates on start through src/db/migrate.ts.
import { loadConfig } from './src/config';
import { knexOptions } from './src/db/connection';

/** knex options for the configured database (same environment variables as the gateway). */
const config = knexOptions(loadConfig().db);
export default config;
module.exports = config;
