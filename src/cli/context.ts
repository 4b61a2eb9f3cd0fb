import type { Services } from '../services';
import { DomainError, isDomainError } from '../domain/errors';

// why: the database, services and their drivers are loaded when a command runs, not when the program is built, so
// `contactgate --help` and usage errors answer without loading knex, the drivers and every service.

/** Exit codes scripts can trust. */
export const EXIT = { ok: 0, failed: 1, usage: 2, notFound: 3, conflict: 4 } as const;

/** Opens the configured database (migrating it) and runs fn with the services; always closes the pool. */
export async function withServices<T>(fn: (s: Services) => Promise<T>): Promise<T> {
  const { loadConfig } = await import('../config');
  const config = loadConfig();
  const [{ connect }, { migrateLatest }, { Store }, { systemClock }, { createServices }] = await Promise.all([
    import('../db/connection'),
    import('../db/migrate'),
    import('../db/store'),
    import('../lib/clock'),
    import('../services'),
  ]);
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

/** Checks that the account exists (exit 3 when it does not: the id names a resource, not a malformed argument). */
export async function requireAccount(s: Services, accountId: number): Promise<void> {
  if (!(await s.accounts.list()).some((a) => a.id === accountId)) {
    throw new DomainError('ACCOUNT_INVALID', `Account ${accountId} does not exist.`, 'notFound');
  }
}

/** withServices for a command on one account: the account must exist (exit 3) before `fn` runs. */
export async function withAccount<T>(accountId: number, fn: (s: Services) => Promise<T>): Promise<T> {
  return withServices(async (s) => {
    await requireAccount(s, accountId);
    return fn(s);
  });
}

/** Prints rows as tab-separated lines under a header line (what the list commands print without --json). */
export function printTable(header: string[], rows: unknown[][]): void {
  console.log(header.join('\t'));
  for (const r of rows) console.log(r.map((v) => (v === null || v === undefined ? '-' : String(v))).join('\t'));
}

/** Every row of an account's list, read page by page (the services page like the API does: at most MAX_SELECT a call). */
export async function allPages<T>(s: Services, page: (q: { select: number; skip: number }) => Promise<T[]>): Promise<T[]> {
  const all: T[] = [];
  for (let skip = 0; ; skip += s.config.maxSelect) {
    const rows = await page({ select: s.config.maxSelect, skip });
    all.push(...rows);
    if (rows.length < s.config.maxSelect) return all;
  }
}
