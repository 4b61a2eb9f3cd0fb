import { Store } from '../db/store';

/** Whether the gateway can serve: the database answers and has every migration. */
export type Readiness = { status: 'ready' } | { status: 'database unreachable' } | { status: 'migrations pending'; pending: string[] };

/** Answers the readiness probe (GET /ready) without handing the store to the HTTP layer. */
export class ReadinessService {
  constructor(private readonly store: Store) {}

  /** Checks the database connection, then the migrations. */
  async check(): Promise<Readiness> {
    try {
      await this.store.ping();
    } catch {
      return { status: 'database unreachable' };
    }
    const pending = await this.store.pendingMigrations();
    return pending.length ? { status: 'migrations pending', pending } : { status: 'ready' };
  }
}
