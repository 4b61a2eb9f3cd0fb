import { Worker } from 'node:worker_threads';
import { Knex } from 'knex';

/** What one checkpoint did (SQLite's `wal_checkpoint` answer): frames in the WAL and frames copied into the file. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * WAL frames at which the gateway's own connection still checkpoints (SQLite's default is 1000). why: a backstop only,
 * for a checkpoint thread that falls behind; while the thread keeps up, commits never pay for a checkpoint.
 */
export const BACKSTOP_PAGES = 16384;

/** SQLite's own wal_autocheckpoint, handed back when the thread stops or dies. */
const SQLITE_DEFAULT_PAGES = 1000;

/** How often the thread checkpoints. */
const EVERY_MS = 250;

// why: plain JavaScript run with `eval`, so the thread needs neither tsx nor a build step; it only loads the driver.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)')[0];
const timer = setInterval(() => { try { checkpoint(); } catch { /* the next tick tries again */ } }, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m.type === 'now') {
    try { parentPort.postMessage({ type: 'done', id: m.id, result: checkpoint() }); }
    catch (e) { parentPort.postMessage({ type: 'done', id: m.id, error: String(e && e.message || e) }); }
  } else if (m.type === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

/**
 * Runs an SQLite database's WAL checkpoints on a thread of its own, with its own connection. why: SQLite checkpoints
 * in the commit that crosses wal_autocheckpoint, on the committing (the gateway's only) connection: copying WAL pages
 * into the file and two fsyncs stalled the event loop and slowed imports (measured in docs/imports.md, "WAL checkpoints
 * on a thread of their own"). PASSIVE checkpoints never wait for and never block the writer.
 */
export class WalCheckpointer {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve(r: CheckpointResult): void; reject(e: Error): void }>();
  private failure: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly knex: Knex,
    private readonly onFailure?: (e: Error) => void,
  ) {
    worker.on('message', (m: { type: 'done'; id: number; result?: CheckpointResult; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error !== undefined) w?.reject(new Error(m.error));
      else w?.resolve(m.result!);
    });
    worker.on('error', (e: unknown) => void this.fail(asError(e)));
    worker.on('exit', () => void this.fail(new Error('the checkpoint thread ended')));
  }

  /**
   * Starts the thread on this database file and moves the gateway connection's own checkpoints to the backstop.
   * `onFailure` hears of a thread that dies (the connection then checkpoints at SQLite's default again); `everyMs` is
   * how often the thread checkpoints.
   */
  static async start(knex: Knex, filename: string, onFailure?: (e: Error) => void, everyMs = EVERY_MS): Promise<WalCheckpointer> {
    // before the thread starts, so a thread that fails at once leaves SQLite's default behind (see fail)
    await knex.raw(`pragma wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    const worker = new Worker(THREAD, { eval: true, execArgv: [], workerData: { driver: require.resolve('better-sqlite3'), filename, everyMs } });
    worker.unref();
    return new WalCheckpointer(worker, knex, onFailure);
  }

  private async fail(e: Error): Promise<void> {
    if (this.failure) return;
    this.failure = e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
    await this.handBack();
    this.onFailure?.(e);
  }

  /** why: without the thread nothing else would checkpoint before the backstop; SQLite's default comes back. */
  private async handBack(): Promise<void> {
    await this.knex.raw(`pragma wal_autocheckpoint = ${SQLITE_DEFAULT_PAGES}`).catch(() => undefined);
  }

  /** Checkpoints now, on the thread, and answers what it did (tests and tools; the thread also runs on a timer). */
  checkpointNow(): Promise<CheckpointResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'now', id });
    });
  }

  /** Stops the thread and closes its connection (before the gateway's own connection closes). */
  async stop(): Promise<void> {
    if (this.failure) return;
    this.failure = new Error('stopped');
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'stop' });
    await exited;
    await this.handBack();
  }
}

/** An error as thrown in the thread. why: the driver's own error class reaches this thread as a plain object. */
function asError(e: unknown): Error {
  if (e instanceof Error) return e;
  const o = typeof e === 'object' && e !== null ? (e as { message?: unknown; code?: unknown }) : {};
  const m = o.message !== undefined ? String(o.message) : o.code !== undefined ? String(o.code) : String(e);
  return new Error(`the checkpoint thread failed: ${m}`);
}
