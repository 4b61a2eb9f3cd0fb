import { Clock } from '../lib/clock';
import { newGuid, isGuid } from '../lib/ids';
import { Campaign } from '../domain/campaign';
import { DomainError } from '../domain/errors';
import { CampaignSend, SendRecipient } from '../domain/send';
import { Repos, Store } from '../db/store';
import { SendAudience } from '../db/repos/sends';
import { Job, JobQueue } from './jobQueue';
import { CampaignService } from './campaigns';
import { SegmentService } from './segments';
import { dateArg, page } from './paging';

/** The job type of a campaign send. */
export const SEND_JOB = 'campaign-send';

/** Most ids a send may list per kind. */
const MAX_TARGET_IDS = 10_000;

/** A send request as any dialect hands it over (ApiCampaignSend / v1 arguments). */
export interface SendInput {
  campaignId?: unknown;
  addressBookIds?: unknown;
  contactIds?: unknown;
  sendDate?: unknown;
}

/** Where a send's recipients go; the default writes the outbox table. Must be idempotent per (send, contact). */
export interface OutboundTransport {
  /** Hands the send's snapshotted recipients over; returns how many were newly handed over. */
  deliver(r: Repos, send: CampaignSend, campaign: Campaign, now: number): Promise<number>;
}

/** The default transport: one outbox row per recipient, idempotent on (send_id, contact_id). */
export const outboxTransport: OutboundTransport = {
  deliver: (r, send, campaign, now) => r.sends.toOutbox(send.id, campaign.subject, now),
};

/**
 * A hand-over that replaces the default one for some sends (split tests). Contract: called inside the send's final
 * transaction after its audience is snapshotted; returns false to leave the send to the default hand-over, true when it
 * handed over (part of) the audience itself and will finish the send later with `SendService.complete`.
 */
export interface SendHandOver {
  handOver(r: Repos, send: CampaignSend, campaign: Campaign, now: number): Promise<boolean>;
}

/** What a send job handler tells the runner. */
export type SendJobOutcome = 'done' | 'waiting' | 'skipped';

/**
 * Campaign sends: each is a persisted job that, when due, refreshes any pending targeted segment first, snapshots
 * the audience set-based, hands it to the outbound transport and records a `sent` activity per recipient.
 */
export class SendService {
  private handOver?: SendHandOver;
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
    private readonly campaigns: CampaignService,
    private readonly segments: SegmentService,
    private readonly opts: { maxSelect: number; segmentWaitMs: number; transport?: OutboundTransport },
  ) {}

  /**
   * Queues a send. The campaign must be Unsent with no send in flight; every address book/segment and contact id
   * must belong to the account. A future sendDate schedules it; otherwise it runs as soon as a runner is free.
   */
  async send(accountId: number, input: SendInput, within?: (r: Repos, sendId: string, campaign: Campaign) => Promise<void>): Promise<CampaignSend> {
    const bookRefs = idList(input.addressBookIds, 'addressBookIds');
    const contactIds = idList(input.contactIds, 'contactIds');
    const now = this.clock.now();
    const given = input.sendDate === undefined || input.sendDate === null || input.sendDate === '' ? now : dateArg(input.sendDate, 'sendDate');
    // why: a past sendDate (.NET proxies send 0001-01-01 for an unset DateTime) means "now".
    const sendDate = Math.max(given, now);
    const scheduled = sendDate > now;
    return this.store.tx(async (r) => {
      const c = await this.campaigns.mustGet(r, accountId, input.campaignId);
      // why: a locking read of the campaign row serialises concurrent send requests for it and sees the latest status.
      const status = await r.sends.lockCampaign(accountId, c.id);
      if (status !== 'Unsent' || (await r.sends.activeFor(accountId, c.id))) {
        throw new DomainError('CAMPAIGN_SENDNOTPERMITTED', 'Send not permitted at this time: the campaign has been sent or is being sent.');
      }
      for (const id of bookRefs) {
        if (!(await r.addressBooks.kindOf(accountId, id))) throw new DomainError('ADDRESSBOOK_NOT_FOUND', `Address book ${id} not found.`);
      }
      if (contactIds.length) {
        const found = new Set(await r.contacts.existingIds(accountId, contactIds));
        const missing = contactIds.find((id) => !found.has(id));
        if (missing !== undefined) throw new DomainError('CONTACT_NOT_FOUND', `Contact ${missing} not found.`);
      }
      const id = newGuid();
      await r.sends.create({
        id,
        accountId,
        campaignId: c.id,
        addressBookIds: bookRefs,
        contactIds,
        sendDate,
        status: scheduled ? 'Scheduled' : 'NotSent',
        createdAt: now,
      });
      // why: a caller's own rows for the send (a split test's settings) commit with it or not at all.
      if (within) await within(r, id, c);
      await this.jobs.enqueueIn(r, { type: SEND_JOB, ref: id, accountId, runAfter: scheduled ? sendDate : now });
      return (await r.sends.get(accountId, id))!;
    });
  }

  /** One send of the account (progress). */
  async get(accountId: number, id: unknown): Promise<CampaignSend> {
    return this.mustGet(this.store.repos, accountId, id);
  }

  /** The contacts a send went to, by contact id, with paging (empty until its audience is taken). */
  async recipients(accountId: number, id: unknown, o: { select?: unknown; skip?: unknown }): Promise<SendRecipient[]> {
    const p = page(o.select, o.skip, this.opts.maxSelect);
    const s = await this.mustGet(this.store.repos, accountId, id);
    return this.store.repos.sends.recipients(s.id, p);
  }

  /** The outbox rows of a send (operators and tests). */
  async outbox(accountId: number, id: unknown): Promise<SendRecipient[]> {
    const s = await this.mustGet(this.store.repos, accountId, id);
    return this.store.repos.sends.outbox(s.id);
  }

  /** Cancels a send that has not started (NotSent or Scheduled); its job then ends without sending. */
  async cancel(accountId: number, id: unknown): Promise<CampaignSend> {
    return this.store.tx(async (r) => {
      const s = await this.mustGet(r, accountId, id);
      if (s.status === 'Cancelled') return s;
      const n = await r.sends.setStatus(s.id, 'Cancelled', ['NotSent', 'Scheduled'], { finishedAt: this.clock.now() });
      if (n === 0) throw new DomainError('CAMPAIGN_SENDNOTPERMITTED', 'Only a send that has not started can be cancelled.');
      return (await r.sends.get(accountId, s.id))!;
    });
  }

  /**
   * Runs a send job. While a targeted segment has a refresh pending, the refresh is queued (or joined) and the job is
   * postponed; then the audience is snapshotted, handed to the transport, `sent` activities are written and the send
   * and campaign become Sent. Every step is idempotent, so a run taken over after a crash completes exactly once.
   */
  async runJob(job: Job, heartbeat: () => Promise<boolean>): Promise<SendJobOutcome> {
    let send = await this.store.repos.sends.get(null, job.ref);
    if (!send || send.status === 'Sent' || send.status === 'Cancelled') return 'skipped';
    const accountId = send.accountId;
    if (send.recipients === null) {
      const targets = await this.targets(this.store.repos, send);
      const pending = await this.segments.prepareForSend(accountId, targets.segmentIds);
      const refreshed = [...new Set([...send.refreshedSegments, ...pending])].sort((a, b) => a - b);
      if (refreshed.length !== send.refreshedSegments.length) await this.store.repos.sends.setRefreshed(send.id, refreshed);
      if (pending.length) {
        await this.jobs.postpone(job, job.leaseOwner ?? '', this.opts.segmentWaitMs);
        return 'waiting';
      }
      const started = await this.store.tx(async (r) => {
        const now = this.clock.now();
        const n = await r.sends.setStatus(send!.id, 'Sending', ['NotSent', 'Scheduled', 'Sending'], { startedAt: now });
        if (n === 0) return false; // cancelled meanwhile
        await r.campaigns.setStatus(accountId, send!.campaignId, 'Sending', now);
        await r.sends.snapshot(send!.id, accountId, targets);
        return true;
      });
      if (!started) return 'skipped';
      if (!(await heartbeat())) return 'waiting';
    }
    send = (await this.store.repos.sends.get(null, job.ref))!;
    const campaign = await this.store.repos.campaigns.get(accountId, send.campaignId);
    if (!campaign) return 'skipped'; // deleted while sending: its sends went with it
    await this.store.tx(async (r) => {
      const now = this.clock.now();
      if (this.handOver && (await this.handOver.handOver(r, send!, campaign, now))) return;
      await (this.opts.transport ?? outboxTransport).deliver(r, send!, campaign, now);
      await this.complete(r, send!, campaign.id, now);
    });
    return 'done';
  }

  /** Ends a send whose recipients were all handed over: a `sent` activity each (none twice), send and campaign Sent. */
  async complete(r: Repos, send: CampaignSend, campaignId: number, now: number): Promise<void> {
    await r.sends.sentActivities(send.id, send.accountId, campaignId, now);
    await r.sends.setStatus(send.id, 'Sent', ['Sending'], { finishedAt: now });
    await r.campaigns.setStatus(send.accountId, campaignId, 'Sent', now);
  }

  /** Installs the hand-over for split-test sends (wired once in services/index.ts). */
  useHandOver(h: SendHandOver): void {
    this.handOver = h;
  }

  /** Splits a send's address-book ids into books and segments (ids deleted since the request drop out). */
  private async targets(r: Repos, s: CampaignSend): Promise<{ bookIds: number[]; segmentIds: number[]; contactIds: number[] }> {
    return audienceTargets(r, s.accountId, s.addressBookIds, s.contactIds);
  }

  private async mustGet(r: Repos, accountId: number, id: unknown): Promise<CampaignSend> {
    const text = typeof id === 'string' ? id.trim().toLowerCase() : '';
    if (!isGuid(text)) throw new DomainError('CAMPAIGN_SEND_NOT_FOUND');
    const s = await r.sends.get(accountId, text);
    if (!s) throw new DomainError('CAMPAIGN_SEND_NOT_FOUND');
    return s;
  }
}

/**
 * Splits an audience's address-book ids into books and segments (ids deleted since drop out); both lists empty means
 * everyone. Sends and program enrolments resolve their audience with it.
 */
export async function audienceTargets(r: Repos, accountId: number, addressBookIds: number[], contactIds: number[]): Promise<SendAudience> {
  const bookIds: number[] = [];
  const segmentIds: number[] = [];
  for (const id of addressBookIds) {
    const kind = await r.addressBooks.kindOf(accountId, id);
    if (kind === 'book') bookIds.push(id);
    else if (kind === 'segment') segmentIds.push(id);
  }
  const everyone = addressBookIds.length === 0 && contactIds.length === 0;
  // why: an audience whose books were all deleted since must not widen to All contacts; -1 matches no row.
  if (!everyone && bookIds.length + segmentIds.length + contactIds.length === 0) bookIds.push(-1);
  return { bookIds, segmentIds, contactIds };
}

/** Checks a list of ids (whole numbers >= 1, numeric strings allowed); absent = empty; duplicates dropped. */
export function idList(v: unknown, name: string, code: 'CAMPAIGN_SEND_INVALID' | 'PROGRAM_ENROLMENT_INVALID' = 'CAMPAIGN_SEND_INVALID'): number[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new DomainError(code, `${name} must be a list of ids.`);
  if (v.length > MAX_TARGET_IDS) throw new DomainError(code, `${name} may list at most ${MAX_TARGET_IDS} ids.`);
  const out = new Set<number>();
  for (const x of v) {
    const n = typeof x === 'string' && /^\s*\d{1,10}\s*$/.test(x) ? Number(x) : x;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 2_147_483_647) {
      throw new DomainError(code, `${name} must hold whole numbers of 1 or more.`);
    }
    out.add(n);
  }
  return [...out];
}
