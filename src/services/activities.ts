import { Clock } from '../lib/clock';
import { Activity, ACTIVITY_TYPES, ActivityType, statusAfter } from '../domain/activity';
import { activityDetail, DetailInput } from './activityDetail';
import { isSuppressedStatus } from '../domain/contact';
import { matchEnum } from '../domain/enums';
import { DomainError } from '../domain/errors';
import { Repos, Store } from '../db/store';
import { CampaignService } from './campaigns';
import { ContactService, writeOf } from './contacts';
import { dateArg } from './paging';
import { SegmentHooks } from './segmentHooks';

/** One event as a delivery platform posts it. */
export interface ActivityEventInput extends DetailInput {
  eventId?: unknown;
  type?: unknown;
  campaignId?: unknown;
  sendId?: unknown;
  contactId?: unknown;
  email?: unknown;
  url?: unknown;
  occurredAt?: unknown;
  bounceType?: unknown;
}

/** What an ingestion did. */
export interface IngestResult {
  accepted: number;
  duplicates: number;
}

const MAX_BATCH = 1000;

/** Campaign activity: idempotent event ingestion (feeds behavioural segments) and the vendor's activity reads. */
export class ActivityService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly hooks: SegmentHooks,
    private readonly contacts: ContactService,
    private readonly campaigns: CampaignService,
  ) {}

  /**
   * Ingests a batch of events in one transaction: all valid or none written. Repeated event ids are counted as
   * duplicates and change nothing. Bounces and unsubscribes set the contact's status (a single write, so real-time
   * segments follow at once); opens, clicks and sends only feed behavioural segments, which refresh on request.
   */
  async ingest(accountId: number, events: ActivityEventInput[]): Promise<IngestResult> {
    if (!Array.isArray(events) || events.length === 0) throw new DomainError('PARAMETER_INVALID', 'Send one event or a non-empty array of events.');
    if (events.length > MAX_BATCH) throw new DomainError('PARAMETER_INVALID', `At most ${MAX_BATCH} events per call.`);
    return this.store.tx(async (r) => {
      const parsed: Array<{ a: Activity; bounce: 'hard' | 'soft' }> = [];
      for (let i = 0; i < events.length; i++) {
        try {
          parsed.push(await this.parse(r, accountId, events[i]));
        } catch (e) {
          if (e instanceof DomainError) throw new DomainError(e.code, `Event ${i}: ${e.text}`);
          throw e;
        }
      }
      let accepted = 0;
      const changed: number[] = [];
      const fresh = await r.activities.insertAll(
        accountId,
        parsed.map(({ a, bounce }) => ({ a, bounceType: a.type === 'bounce' ? bounce : null })),
      );
      for (const [i, { a, bounce }] of parsed.entries()) {
        if (!fresh[i]) continue;
        accepted++;
        const status = statusAfter(a.type, bounce);
        const c = status ? await r.contacts.getById(accountId, a.contactId) : undefined;
        // why: a soft bounce never overrides a harder suppression (unsubscribe, hard bounce, complaint).
        if (c && status && (!isSuppressedStatus(c.status) || (c.status === 'SoftBounced' && status !== 'SoftBounced'))) {
          const now = this.clock.now();
          await r.contacts.update(accountId, c.id, { ...writeOf(c), status, statusChangedAt: now }, now);
          changed.push(c.id);
        }
      }
      if (changed.length) await this.hooks.singleWrite(r, accountId, changed, { props: ['status'] });
      return { accepted, duplicates: parsed.length - accepted };
    });
  }

  private async parse(r: Repos, accountId: number, e: ActivityEventInput): Promise<{ a: Activity; bounce: 'hard' | 'soft' }> {
    if (typeof e !== 'object' || e === null) throw new DomainError('PARAMETER_INVALID', 'An event must be an object.');
    const eventId = typeof e.eventId === 'string' || typeof e.eventId === 'number' ? String(e.eventId).trim() : '';
    if (!eventId || eventId.length > 100) throw new DomainError('PARAMETER_INVALID', 'eventId is required (1 to 100 characters).');
    const type = matchEnum<ActivityType>(ACTIVITY_TYPES, e.type);
    if (!type) throw new DomainError('PARAMETER_INVALID', `type must be one of ${ACTIVITY_TYPES.join(', ')}.`);
    const bounce = e.bounceType === undefined || e.bounceType === null ? 'hard' : String(e.bounceType).toLowerCase();
    if (bounce !== 'hard' && bounce !== 'soft') throw new DomainError('PARAMETER_INVALID', 'bounceType must be hard or soft.');
    const campaignId = e.campaignId === undefined || e.campaignId === null ? null : (await this.campaigns.mustGet(r, accountId, e.campaignId)).id;
    if (campaignId === null && type !== 'unsubscribe' && type !== 'bounce') {
      throw new DomainError('PARAMETER_INVALID', 'campaignId is required for every event type but bounce and unsubscribe.');
    }
    const contact = (await this.contacts.findByRef(r, accountId, { id: e.contactId, email: e.email }, false))!;
    const url = e.url === undefined || e.url === null ? null : String(e.url).slice(0, 2000);
    const occurredAt = e.occurredAt === undefined || e.occurredAt === null ? this.clock.now() : dateArg(e.occurredAt, 'occurredAt');
    const sendId = typeof e.sendId === 'string' && e.sendId.trim() ? e.sendId.trim().slice(0, 36) : null;
    return { a: { eventId, type, campaignId, sendId, contactId: contact.id, url, occurredAt, ...activityDetail(type, e) }, bounce };
  }
}
