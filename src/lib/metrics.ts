import client from 'prom-client';

/** The Prometheus metrics of one process; components record into it, GET /metrics renders it. */
export class Metrics {
  readonly registry = new client.Registry();
  readonly requests: client.Counter<'dialect' | 'operation' | 'status'>;
  readonly requestSeconds: client.Histogram<'dialect' | 'operation'>;
  readonly importRows: client.Counter<'outcome'>;
  readonly importRowsPerSecond: client.Gauge<'import_id'>;
  readonly segmentRefreshes: client.Counter<'mode' | 'reason' | 'status'>;
  readonly segmentRefreshSeconds: client.Histogram<'mode'>;
  readonly sweeperRuns: client.Counter;
  readonly sweeperMissedTicks: client.Counter;
  readonly leaseTakeovers: client.Counter<'type'>;
  readonly jobs: client.Counter<'type' | 'outcome'>;
  /** Set by the owner of the segment engine: returns the age in seconds of the oldest stale segment (0 when none). */
  oldestStaleAge: () => Promise<number> = async () => 0;

  constructor() {
    const r = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: 'contactgate_' });
    this.requests = new client.Counter({
      name: 'contactgate_requests_total',
      help: 'API requests by dialect (rest, soap-v1, soap-v2), operation and HTTP status',
      labelNames: ['dialect', 'operation', 'status'],
      registers: r,
    });
    this.requestSeconds = new client.Histogram({
      name: 'contactgate_request_duration_seconds',
      help: 'API request latency by dialect and operation',
      labelNames: ['dialect', 'operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    });
    this.importRows = new client.Counter({
      name: 'contactgate_import_rows_total',
      help: 'Import rows processed, by outcome (imported, rejected)',
      labelNames: ['outcome'],
      registers: r,
    });
    this.importRowsPerSecond = new client.Gauge({
      name: 'contactgate_import_rows_per_second',
      help: 'Throughput of running imports in this process',
      labelNames: ['import_id'],
      registers: r,
    });
    this.segmentRefreshes = new client.Counter({
      name: 'contactgate_segment_refreshes_total',
      help: 'Segment refreshes by mode (full, incremental), reason and final status',
      labelNames: ['mode', 'reason', 'status'],
      registers: r,
    });
    this.segmentRefreshSeconds = new client.Histogram({
      name: 'contactgate_segment_refresh_duration_seconds',
      help: 'Segment refresh duration by mode',
      labelNames: ['mode'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: r,
    });
    this.sweeperRuns = new client.Counter({ name: 'contactgate_sweeper_runs_total', help: 'Segment sweeper runs', registers: r });
    this.sweeperMissedTicks = new client.Counter({
      name: 'contactgate_sweeper_missed_ticks_total',
      help: 'Segment sweeper cron ticks this process lost (event loop blocked past the slot, or the previous sweep still running); each is caught up by an immediate sweep',
      registers: r,
    });
    this.leaseTakeovers = new client.Counter({
      name: 'contactgate_lease_takeovers_total',
      help: 'Jobs taken over from a process whose lease expired',
      labelNames: ['type'],
      registers: r,
    });
    this.jobs = new client.Counter({
      name: 'contactgate_jobs_total',
      help: 'Background jobs run by this process, by type and outcome',
      labelNames: ['type', 'outcome'],
      registers: r,
    });
    const self = this;
    new client.Gauge({
      name: 'contactgate_oldest_stale_segment_age_seconds',
      help: 'Age of the oldest stale segment (0 when every segment is fresh)',
      registers: r,
      async collect() {
        this.set(await self.oldestStaleAge().catch(() => 0));
      },
    });
  }

  /** The text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
