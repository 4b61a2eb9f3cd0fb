import { expect } from 'chai';
import { FakeClock } from '../../src/lib/clock';
import { JobQueue } from '../../src/services/jobQueue';
import { JobRunner } from '../../src/jobs/runner';
import { testStore } from '../helpers/db';

describe('job queue with database leases', () => {
  const type = `test-${process.pid}-${Date.now()}`;
  let clock: FakeClock;
  let queue: JobQueue;
  before(async () => {
    const { store } = await testStore();
    clock = new FakeClock(Date.now());
    queue = new JobQueue(store, clock, 60_000);
  });

  it('joins a duplicate request to the queued job and lets exactly one claimer have it', async () => {
    const { store } = await testStore();
    const a = await store.tx((r) => queue.enqueueIn(r, { type, ref: 'x1', dedupeKey: `${type}:x1` }));
    const b = await store.tx((r) => queue.enqueueIn(r, { type, ref: 'x1', dedupeKey: `${type}:x1` }));
    expect(b.joined).to.equal(true);
    expect(b.job.id).to.equal(a.job.id);
    const claims = await Promise.all([queue.claim([type], 'p1'), queue.claim([type], 'p2'), queue.claim([type], 'p3')]);
    expect(claims.filter(Boolean)).to.have.length(1);
    const c = claims.find(Boolean)!;
    expect(await queue.complete(c.job, c.job.leaseOwner!)).to.equal(true);
    // the dedupe key is free again once the job ended
    const d = await store.tx((r) => queue.enqueueIn(r, { type, ref: 'x1', dedupeKey: `${type}:x1` }));
    expect(d.joined).to.equal(false);
    const e = await queue.claim([type], 'p1');
    await queue.complete(e!.job, 'p1');
  });

  it('lets another process take over a job whose lease expired, and the old holder loses it', async () => {
    const { store } = await testStore();
    await store.tx((r) => queue.enqueueIn(r, { type, ref: 'x2' }));
    const first = await queue.claim([type], 'dead-process');
    expect(first?.takeover).to.equal(false);
    expect(await queue.claim([type], 'p2')).to.equal(undefined);
    clock.advance(61_000);
    const second = await queue.claim([type], 'p2');
    expect(second?.job.id).to.equal(first!.job.id);
    expect(second?.takeover).to.equal(true);
    expect(await queue.renew(first!.job, 'dead-process')).to.equal(false);
    expect(await queue.complete(second!.job, 'p2')).to.equal(true);
  });

  it('renews a lease only once a sixth of it has run (heartbeats in between write nothing) and reports a lost one', async () => {
    const { store } = await testStore();
    await store.tx((r) => queue.enqueueIn(r, { type, ref: 'x3' }));
    const held = (await queue.claim([type], 'p3'))!;
    const leaseInDb = async () => Number((await store.knex('jobs').where({ id: held.job.id }).first('lease_until')).lease_until);
    const taken = await leaseInDb();
    clock.advance(9_000);
    expect(await queue.renewIfDue(held.job, 'p3')).to.equal(true);
    expect(await leaseInDb()).to.equal(taken);
    clock.advance(2_000); // 11 s of a 60 s lease: due
    expect(await queue.renewIfDue(held.job, 'p3')).to.equal(true);
    expect(await leaseInDb()).to.equal(taken + 11_000);
    expect(held.job.leaseUntil).to.equal(taken + 11_000);
    // the holder stalls past its lease, another process takes the job over, the next heartbeat says so
    clock.advance(61_000);
    const other = (await queue.claim([type], 'p4'))!;
    expect(other.job.id).to.equal(held.job.id);
    expect(await queue.renewIfDue(held.job, 'p3')).to.equal(false);
    expect(await queue.complete(other.job, 'p4')).to.equal(true);
  });

  it('runner drains jobs, retries a failure and records takeovers', async () => {
    const { store } = await testStore();
    const seen: string[] = [];
    let failOnce = true;
    const runner = new JobRunner(queue, 'runner-1', { pollMs: 10, retryDelayMs: 0 }).register(type, async (job) => {
      if (job.ref === 'boom' && failOnce) {
        failOnce = false;
        throw new Error('transient');
      }
      seen.push(job.ref);
    });
    await store.tx((r) => queue.enqueueIn(r, { type, ref: 'ok' }));
    await store.tx((r) => queue.enqueueIn(r, { type, ref: 'boom' }));
    await runner.drain();
    expect(seen.sort()).to.deep.equal(['boom', 'ok']);
    expect(runner.stats.failed).to.equal(1);
  });
});
