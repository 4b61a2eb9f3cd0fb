import { Knex } from 'knex';
import { num, parseJson } from '../sql';

/** A campaign send as the status page lists it. */
export interface RecentSendRow {
  id: string;
  campaignId: number;
  campaignName: string | null;
  status: string;
  sendDate: number;
  recipients: number | null;
  /** Segment ids refreshed before the send went out. */
  refreshedSegments: number[];
  createdAt: number;
  finishedAt: number | null;
}

/** Read-only queries for the status page that belong to no single aggregate. */
export class StatusReadRepo {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /** Of these job refs, those whose job of the given type is running under a live lease (held at or after now). */
  async runningRefs(type: string, refs: string[], now: number): Promise<Set<string>> {
    if (refs.length === 0) return new Set();
    const rows = await this.db('jobs').where({ type, status: 'running' }).where('lease_until', '>=', now).whereIn('ref', refs).select('ref');
    return new Set(rows.map((r) => String(r.ref)));
  }

  /** An account's newest campaign sends with the campaign's name, newest first. */
  async recentSends(accountId: number, limit: number): Promise<RecentSendRow[]> {
    const rows: Array<Record<string, unknown>> = await this.db('campaign_sends as s')
      .leftJoin('campaigns as c', function () {
        this.on('c.id', '=', 's.campaign_id').andOn('c.account_id', '=', 's.account_id');
      })
      .where('s.account_id', accountId)
      .orderBy([{ column: 's.created_at', order: 'desc' }, { column: 's.id', order: 'desc' }])
      .limit(limit)
      .select('s.id', 's.campaign_id', 'c.name as campaign_name', 's.status', 's.send_date', 's.recipients', 's.refreshed_segments', 's.created_at', 's.finished_at');
    return rows.map((r) => ({
      id: String(r.id),
      campaignId: Number(r.campaign_id),
      campaignName: (r.campaign_name as string | null) ?? null,
      status: String(r.status),
      sendDate: Number(r.send_date),
      recipients: num(r.recipients),
      refreshedSegments: idList(parseJson<unknown>(r.refreshed_segments, [])),
      createdAt: Number(r.created_at),
      finishedAt: num(r.finished_at),
    }));
  }
}

function idList(v: unknown): number[] {
  return Array.isArray(v) ? v.map(Number).filter((n) => Number.isInteger(n) && n > 0) : [];
}
