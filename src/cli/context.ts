import { loadConfig } from '../config';
import { connect } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { Store } from '../db/store';
import { systemClock } from '../lib/clock';
import { createServices, Services } from '../services';
import { DomainError, isDomainError } from '../domain/errors';

/** Exit codes scripts can trust. */
export const EXIT = { ok: 0, failed: 1, usage: 2, notFound: 3, conflict: 4 } as const;

/** Opens the configured database (migrating it) and runs fn with the services; always closes the pool. */
export async function withServices<T>(fn: (s: Services) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { knex, dialect } = await connect(config.db);
  const store = new Store(knex, dialect);
  try {
    await migrateLatest(knex);
    return await fn(createServices(store, systemClock, config));
  } finally {
    await store.close();
  }
}

/** Prints an error the way the CLI reports failures and returns the exit code for it. */
export function reportError(e: unknown): number {
  if (isDomainError(e)) {
    console.error(`error: ${e.message}`);
    return e.kind === 'notFound' ? EXIT.notFound : e.kind === 'conflict' ? EXIT.conflict : e.kind === 'invalid' ? EXIT.usage : EXIT.failed;
  }
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  return EXIT.failed;
}

/** Parses a positive integer option or throws a usage error. */
export function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new DomainError('PARAMETER_INVALID', `${name} must be a positive whole number.`);
  return Number(value);
}
