import { FakeClock } from '../../src/lib/clock';
import { JobRunner } from '../../src/jobs/runner';
import { Services } from '../../src/services';
import { RestClient } from './rest';

// One campaign-reporting scenario, recorded the same way for every dialect's spec: five contacts in a book, a campaign
// sent to the book, then opens, clicks (URL + link group), page views, a reply, ROI details, social bookmark views, a
// forward, an unsubscribe, a hard and a soft bounce. The expected figures below are what every dialect must read back.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Ids and times of a recorded scenario. */
export interface ReportScenario {
  campaignId: number;
  otherCampaignId: number;
  bookId: number;
  ids: { a: number; b: number; c: number; d: number; e: number };
  /** When the send ran. */
  sentAt: number;
  /** When the first activity arrived (one hour after the send). */
  t1: number;
  /** The next day: only b's second page view and a's second Basket ROI happen at or after it. */
  t2: number;
}

/** The summary every dialect must show for the scenario. */
export const EXPECTED_SUMMARY = {
  sent: 5,
  delivered: 3,
  opens: 3,
  uniqueOpens: 2,
  clicks: 3,
  recipientsClicked: 2,
  pageViews: 2,
  forwards: 1,
  replies: 1,
  hardBounces: 1,
  softBounces: 1,
  unsubscribes: 1,
  rates: {
    delivered: 60,
    uniqueOpens: 66.67,
    opens: 100,
    unsubscribes: 33.33,
    replies: 33.33,
    hardBounces: 20,
    softBounces: 20,
    usersClicked: 66.67,
    clicksToOpens: 100,
  },
};

/**
 * Records the scenario for an account. Sent events come from the send job; the events (every type, with their details)
 * through the REST ingestion route; the later ones and a redelivery through the shared service that route calls.
 */
export async function recordScenario(s: Services, accountId: number, runner: JobRunner, clock: FakeClock, rest: RestClient): Promise<ReportScenario> {
  await s.dataFields.create(accountId, { name: 'TOWN', type: 'String' });
  const book = await s.addressBooks.create(accountId, { name: 'Readers' });
  const add = async (email: string, first: string) =>
    (await s.addressBooks.addContact(accountId, book.id, { email, dataFields: { FIRSTNAME: first, TOWN: 'Leeds' } })).id;
  const ids = { a: await add('ann@shop.example', 'Ann'), b: await add('bob@shop.example', 'Bob'), c: await add('cat@shop.example', 'Cat'), d: await add('dan@shop.example', 'Dan'), e: await add('eve@shop.example', 'Eve') };
  const campaign = await s.campaigns.create(accountId, { name: 'Report', subject: 'Hi', fromName: 'Shop', htmlContent: '<p>h</p>', plainTextContent: 'h' });
  const other = await s.campaigns.create(accountId, { name: 'Never sent', subject: 'x', fromName: 'Shop', htmlContent: 'x', plainTextContent: 'x' });
  const sentAt = clock.now();
  await s.sends.send(accountId, { campaignId: campaign.id, addressBookIds: [book.id] });
  await runner.drain();

  clock.advance(HOUR);
  const t1 = clock.now();
  const at = (min: number) => new Date(t1 + min * 60_000).toISOString();
  const c = campaign.id;
  const basic = [
    { eventId: 'o1', type: 'open', campaignId: c, contactId: ids.a, occurredAt: at(0) },
    { eventId: 'o2', type: 'open', campaignId: c, contactId: ids.a, occurredAt: at(1) },
    { eventId: 'o3', type: 'open', campaignId: c, contactId: ids.b, occurredAt: at(2) },
    { eventId: 'k1', type: 'click', campaignId: c, contactId: ids.a, url: 'https://shop.example/sale', occurredAt: at(3) },
    { eventId: 'u1', type: 'unsubscribe', campaignId: c, contactId: ids.b, occurredAt: at(20) },
    { eventId: 'hb1', type: 'bounce', bounceType: 'hard', campaignId: c, contactId: ids.c, occurredAt: at(0) },
    { eventId: 'sb1', type: 'bounce', bounceType: 'soft', campaignId: c, contactId: ids.d, occurredAt: at(0) },
  ];
  const r = await rest.post('/v2/activity-events', basic);
  if (r.status !== 200) throw new Error(`ingestion failed: ${r.status} ${JSON.stringify(r.body)}`);
  const rich = [
    { eventId: 'k2', type: 'click', campaignId: c, contactId: ids.a, url: 'https://shop.example/shoes', linkGroup: 'Footer', occurredAt: at(4) },
    { eventId: 'k3', type: 'click', campaignId: c, contactId: ids.b, url: 'https://shop.example/sale', linkGroup: 'Header', occurredAt: at(5) },
    { eventId: 'p1', type: 'pageView', campaignId: c, contactId: ids.a, url: 'https://shop.example/p/1', occurredAt: at(6) },
    { eventId: 'r1', type: 'reply', campaignId: c, contactId: ids.a, replyType: 'AutoReply', subject: 'Re: Hi', message: '<p>Out of office</p>', occurredAt: at(7) },
    { eventId: 'roi1', type: 'roi', campaignId: c, contactId: ids.a, marker: 'Basket', value: 19.99, occurredAt: at(8) },
    { eventId: 'roi2', type: 'roi', campaignId: c, contactId: ids.a, marker: 'Purchased', value: true, occurredAt: at(9) },
    { eventId: 'roi3', type: 'roi', campaignId: c, contactId: ids.b, marker: 'Basket', value: '5.01', valueType: 'Numeric', occurredAt: at(10) },
    { eventId: 's1', type: 'socialBookmarkView', campaignId: c, contactId: ids.a, bookmark: 'Twitter', occurredAt: at(11) },
    { eventId: 's2', type: 'socialBookmarkView', campaignId: c, contactId: ids.a, bookmark: 'Twitter', occurredAt: at(12) },
    { eventId: 's3', type: 'socialBookmarkView', campaignId: c, contactId: ids.a, bookmark: 'Facebook', occurredAt: at(13) },
    { eventId: 'f1', type: 'forward', campaignId: c, contactId: ids.a, occurredAt: at(14) },
  ];
  const rr = await rest.post('/v2/activity-events', rich);
  if (rr.status !== 200 || rr.body.accepted !== rich.length) throw new Error(`rich ingestion failed: ${rr.status} ${JSON.stringify(rr.body)}`);
  const t2 = t1 + DAY;
  await s.activities.ingest(accountId, [
    { eventId: 'p2', type: 'pageView', campaignId: c, contactId: ids.b, url: 'https://shop.example/p/2', occurredAt: new Date(t2).toISOString() },
    { eventId: 'roi4', type: 'roi', campaignId: c, contactId: ids.a, marker: 'Basket', value: 10, occurredAt: new Date(t2 + 60_000).toISOString() },
  ]);
  // Idempotent: a redelivery changes nothing.
  const again = await s.activities.ingest(accountId, rich);
  if (again.accepted !== 0 || again.duplicates !== rich.length) throw new Error(`redelivery was not idempotent: ${JSON.stringify(again)}`);
  return { campaignId: c, otherCampaignId: other.id, bookId: book.id, ids, sentAt, t1, t2 };
}

/** Wraps a node-soap result list (absent, one object or an array) as an array. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function items(v: unknown): any[] {
  return v === undefined || v === null ? [] : ([] as unknown[]).concat(v);
}
