import { Clock } from '../lib/clock';
import { Campaign, campaignText } from '../domain/campaign';
import { DomainError } from '../domain/errors';
import { CampaignSend } from '../domain/send';
import {
  CampaignVersion,
  MAX_VERSIONS,
  METRIC_ACTIVITY,
  MIN_VERSIONS,
  pickWinner,
  rate,
  SPLIT_TEST_OPTIONS,
  SplitTestMetric,
  SplitTestOption,
  splitTestSettings,
  testPortion,
  VERSION_LETTERS,
} from '../domain/splitTest';
import { matchEnum } from '../domain/enums';
import { isValidEmail } from '../domain/contact';
import { Repos, Store } from '../db/store';
import { Job, JobQueue } from './jobQueue';
import { CampaignInput, CampaignService } from './campaigns';
import { SendHandOver, SendInput, SendService } from './sends';

/** The job that picks a split test's winner when its test period ends. */
export const SPLIT_DECIDE_JOB = 'split-test-decide';

/** A split-test campaign as a caller defines it: the shared fields plus one list per varying field. */
export interface SplitCampaignInput extends Pick<CampaignInput, 'name' | 'replyAction' | 'replyToAddress'> {
  subjects?: unknown;
  fromNames?: unknown;
  fromAddresses?: unknown;
  htmlContents?: unknown;
  plainTextContents?: unknown;
  option?: unknown;
  count?: unknown;
}

/** A split-test campaign as the service answers it. */
export interface SplitCampaign {
  campaign: Campaign;
  option: SplitTestOption;
  versions: CampaignVersion[];
}

/** A version's result: its content, whether it won, its score and rate (percent). */
export interface VersionResult extends CampaignVersion {
  winning: boolean;
  actual: number;
  percentage: number;
}

/** A split test's results: the versions with their scores, and the metric (undefined: never sent as a split test). */
export interface SplitResults {
  metric: SplitTestMetric | undefined;
  versions: VersionResult[];
}

/**
 * Split-test campaigns and sends. A split-test send is an ordinary campaign send (SendService: job, fresh segments
 * first, audience snapshot) whose hand-over this service takes: the test portion goes out spread over the versions,
 * then a job at the end of the test period scores the versions from the recorded activities, picks the winner and
 * hands the rest of the audience over with it. The outbox rows carry their version.
 */
export class SplitTestService implements SendHandOver {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
    private readonly campaigns: CampaignService,
    private readonly sends: SendService,
  ) {}

  /** Creates a split-test campaign: version A is also the campaign's own content. */
  async createCampaign(accountId: number, input: SplitCampaignInput): Promise<SplitCampaign> {
    const option = input.option === undefined || input.option === null ? 'Subject' : matchEnum(SPLIT_TEST_OPTIONS, input.option);
    if (!option) throw new DomainError('CAMPAIGN_INVALID', `SplitTestOptions must be one of ${SPLIT_TEST_OPTIONS.join(', ')}.`);
    const lists = {
      subject: textList(input.subjects, 'Subjects', 500),
      fromName: textList(input.fromNames, 'FromNames', 200),
      fromAddress: textList(input.fromAddresses, 'FromAddresses', 254).map((x) => {
        if (x !== null && x.trim() !== '' && !isValidEmail(x.trim())) throw new DomainError('CAMPAIGN_INVALID', 'FromAddresses must be valid email addresses.');
        return x === null || x.trim() === '' ? null : x.trim();
      }),
      htmlContent: textList(input.htmlContents, 'HtmlContents', 2_000_000),
      plainTextContent: textList(input.plainTextContents, 'PlainTextContents', 2_000_000),
    };
    const longest = Math.max(...Object.values(lists).map((l) => l.length));
    const count = input.count === undefined || input.count === null || input.count === 0 ? longest : Number(input.count);
    if (!Number.isInteger(count) || count < MIN_VERSIONS || count > MAX_VERSIONS) {
      throw new DomainError('CAMPAIGN_INVALID', `A split test has ${MIN_VERSIONS} to ${MAX_VERSIONS} versions (give ${MIN_VERSIONS} or more subjects, senders or contents).`);
    }
    // why: a list shorter than the version count repeats its first entry, so "two subjects, one content" works as sent.
    const at = (l: Array<string | null>, i: number) => (l.length === 0 ? null : (l[i] ?? l[0]));
    const versions: CampaignVersion[] = VERSION_LETTERS.slice(0, count).map((version, i) => ({
      version,
      subject: at(lists.subject, i),
      fromName: at(lists.fromName, i),
      fromAddress: at(lists.fromAddress, i),
      htmlContent: at(lists.htmlContent, i),
      plainTextContent: at(lists.plainTextContent, i),
    }));
    const a = versions[0];
    const campaign = await this.campaigns.createWith(
      accountId,
      { ...a, name: input.name, replyAction: input.replyAction, replyToAddress: input.replyToAddress },
      (r, c) => r.splitTests.createCampaign(accountId, c.id, option, versions),
    );
    return { campaign, option, versions };
  }

  /** True when the campaign of the account is a split test (CAMPAIGN_NOT_FOUND when it is not the account's). */
  async isSplitTest(accountId: number, campaignId: unknown): Promise<boolean> {
    const c = await this.campaigns.mustGet(this.store.repos, accountId, campaignId);
    return (await this.store.repos.splitTests.optionOf(accountId, c.id)) !== undefined;
  }

  /** Queues a split-test send of a split-test campaign (CAMPAIGN_SEND_INVALID for an ordinary campaign). */
  async send(accountId: number, input: SendInput & { metric?: unknown; percentage?: unknown; periodHours?: unknown }): Promise<CampaignSend> {
    const settings = splitTestSettings(input.metric, input.percentage, input.periodHours);
    return this.sends.send(accountId, input, async (r, sendId, c) => {
      if (!(await r.splitTests.optionOf(accountId, c.id))) throw new DomainError('CAMPAIGN_SEND_INVALID', 'The campaign is not a split-test campaign.');
      await r.splitTests.createSend(sendId, accountId, c.id, settings);
    });
  }

  /** SendHandOver: for a split-test send, hands over the test portion by version and schedules the decision. */
  async handOver(r: Repos, send: CampaignSend, campaign: Campaign, now: number): Promise<boolean> {
    const split = await r.splitTests.forSend(send.id);
    if (!split) return false;
    const versions = (await r.splitTests.versions(campaign.id)).map((v) => v.version);
    const audience = await r.sends.recipientCount(send.id);
    await r.splitTests.assignTest(send.id, testPortion(audience, split.percentage, versions.length), versions);
    await r.splitTests.testToOutbox(send.id, campaign.id, now);
    await r.sends.sentActivities(send.id, send.accountId, campaign.id, now, 'split_test_recipients');
    const endsAt = split.testEndsAt ?? now + split.periodHours * 3_600_000;
    await r.splitTests.setTestEnd(send.id, endsAt);
    await this.jobs.enqueueIn(r, { type: SPLIT_DECIDE_JOB, ref: send.id, accountId: send.accountId, runAfter: endsAt, dedupeKey: `split:${send.id}` });
    return true;
  }

  /**
   * The decision job: scores each version by distinct contacts with the metric's activity up to the end of the test,
   * picks the winner (best rate; a tie goes to the earlier version), hands the rest of the audience over with it and
   * completes the send. Idempotent: a run taken over after a crash repeats nothing.
   */
  async runDecideJob(job: Job): Promise<'done' | 'skipped'> {
    const split = await this.store.repos.splitTests.forSend(job.ref);
    const send = await this.store.repos.sends.get(null, job.ref);
    if (!split || !send || send.status !== 'Sending' || split.testEndsAt === null) return 'skipped';
    const scores = await this.store.repos.splitTests.scores(split.sendId, split.campaignId, METRIC_ACTIVITY[split.metric], split.testEndsAt);
    const winner = split.winner ?? pickWinner(scores);
    await this.store.tx(async (r) => {
      const now = this.clock.now();
      await r.splitTests.decide(split.sendId, winner, now);
      const chosen = (await r.splitTests.forSend(split.sendId))!.winner!;
      await r.splitTests.remainderToOutbox(split.sendId, split.campaignId, chosen, now);
      await this.sends.complete(r, send, split.campaignId, now);
    });
    return 'done';
  }

  /** A split-test campaign's versions with their results from its latest split-test send (zeros before any). */
  async results(accountId: number, campaignId: unknown): Promise<SplitResults> {
    const c = await this.campaigns.mustGet(this.store.repos, accountId, campaignId);
    const r = this.store.repos.splitTests;
    if (!(await r.optionOf(accountId, c.id))) throw new DomainError('CAMPAIGN_INVALID', 'The campaign is not a split-test campaign.');
    const versions = await r.versions(c.id);
    const split = await r.latestForCampaign(accountId, c.id);
    const until = split?.testEndsAt ?? this.clock.now();
    const scores = split ? await r.scores(split.sendId, c.id, METRIC_ACTIVITY[split.metric], Math.min(until, this.clock.now())) : [];
    return {
      metric: split?.metric,
      versions: versions.map((v) => {
        const s = scores.find((x) => x.version === v.version) ?? { version: v.version, recipients: 0, actual: 0 };
        return { ...v, winning: split?.winner === v.version, actual: s.actual, percentage: Math.round(rate(s) * 100) / 100 };
      }),
    };
  }

  /** A split-test send's outbox rows with their versions (tests and operators). */
  async outbox(accountId: number, sendId: unknown): Promise<Array<{ contactId: number; variant: string | null; subject: string | null }>> {
    const s = await this.sends.get(accountId, sendId);
    return this.store.repos.splitTests.outboxVersions(s.id);
  }
}

/** A list of optional texts (absent: empty). */
function textList(v: unknown, name: string, max: number): Array<string | null> {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new DomainError('CAMPAIGN_INVALID', `${name} must be a list.`);
  if (v.length > MAX_VERSIONS) throw new DomainError('CAMPAIGN_INVALID', `${name} may list at most ${MAX_VERSIONS} entries.`);
  return v.map((x) => campaignText(x, name, max));
}
