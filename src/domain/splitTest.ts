import { DomainError } from './errors';

// Split-test campaigns and sends: versions A, B, ... of one campaign differ in subject, sender or content; a send mails
// a test portion of the audience, spread over the versions, and after the test period the rest gets the version that
// did best by the chosen metric. Pure rules here; storage in db/repos/splitTests.ts, the flow in services/splitTests.ts.

/** What a split test is judged by (the vendor's ApiSplitTestMetrics / v1 APISplitTestMetric, without the .NET default). */
export const SPLIT_TEST_METRICS = ['Opens', 'Clicks', 'ROI'] as const;
export type SplitTestMetric = (typeof SPLIT_TEST_METRICS)[number];
/** The activity type that counts for each metric (distinct contacts with one, per version). */
export const METRIC_ACTIVITY: Record<SplitTestMetric, string> = { Opens: 'open', Clicks: 'click', ROI: 'roi' };

/** What varies between the versions (the vendor's splitTestOptions). */
export const SPLIT_TEST_OPTIONS = ['None', 'Subject', 'FromAddress', 'FromName', 'Html', 'PlainText', 'All'] as const;
export type SplitTestOption = (typeof SPLIT_TEST_OPTIONS)[number];

/** Versions a split-test campaign may have: 2 to 5 (A to E). */
export const MIN_VERSIONS = 2;
export const MAX_VERSIONS = 5;
/** The version letters, in order. */
export const VERSION_LETTERS = ['A', 'B', 'C', 'D', 'E'] as const;

/** One version of a split-test campaign. */
export interface CampaignVersion {
  version: string;
  subject: string | null;
  fromName: string | null;
  fromAddress: string | null;
  htmlContent: string | null;
  plainTextContent: string | null;
}

/** A split-test send's settings, checked. */
export interface SplitTestSettings {
  metric: SplitTestMetric;
  /** Share of the audience in the test (1-100; 100: everyone is tested and there is no remainder). */
  percentage: number;
  /** Hours from the test portion's hand-over until the winner is picked (1-720). */
  periodHours: number;
}

/** Checks a split-test send's settings as any dialect hands them over. */
export function splitTestSettings(metric: unknown, percentage: unknown, periodHours: unknown): SplitTestSettings {
  const m = typeof metric === 'string' ? SPLIT_TEST_METRICS.find((x) => x.toLowerCase() === metric.trim().toLowerCase()) : undefined;
  if (!m) throw new DomainError('CAMPAIGN_SEND_INVALID', `The test metric must be one of ${SPLIT_TEST_METRICS.join(', ')}.`);
  const pct = whole(percentage);
  if (pct === undefined || pct < 1 || pct > 100) throw new DomainError('CAMPAIGN_SEND_INVALID', 'The test percentage must be a whole number from 1 to 100.');
  const hours = whole(periodHours);
  if (hours === undefined || hours < 1 || hours > 720) throw new DomainError('CAMPAIGN_SEND_INVALID', 'The test period must be a whole number of hours from 1 to 720.');
  return { metric: m, percentage: pct, periodHours: hours };
}

/** How many of `audience` recipients are in the test: the percentage rounded up, at least one per version. */
export function testPortion(audience: number, percentage: number, versions: number): number {
  return Math.min(audience, Math.max(versions, Math.ceil((audience * percentage) / 100)));
}

/** One version's score: distinct contacts with the metric's activity, over the version's test recipients. */
export interface VersionScore {
  version: string;
  recipients: number;
  actual: number;
}

/** The winner: the highest rate (actual / recipients); a tie goes to the earlier version (A before B). */
export function pickWinner(scores: readonly VersionScore[]): string {
  let best = scores[0];
  for (const s of scores.slice(1)) if (rate(s) > rate(best)) best = s;
  return best.version;
}

/** A version's rate in percent (0 when it had no recipients). */
export function rate(s: VersionScore): number {
  return s.recipients === 0 ? 0 : (100 * s.actual) / s.recipients;
}

function whole(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\s*\d{1,6}\s*$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}
