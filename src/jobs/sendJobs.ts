import { Services } from '../services';
import { SEND_JOB } from '../services/sends';
import { SPLIT_DECIDE_JOB } from '../services/splitTests';
import { ENROLMENT_JOB } from '../services/programs';
import { Logger, silentLogger } from '../lib/logger';
import { JobRunner } from './runner';

/** Registers the campaign send job handler on a runner. */
export function registerSendJobs(runner: JobRunner, s: Services, log: Logger = silentLogger): void {
  runner.register(SEND_JOB, async (job, ctx) => {
    const out = await s.sends.runJob(job, () => ctx.heartbeat());
    if (out === 'done') log.info({ sendId: job.ref }, 'campaign send finished');
    // why: a send waiting on a segment refresh has already re-queued itself (postponed); 'released' keeps it queued.
    return out === 'waiting' ? 'released' : undefined;
  });
  // A split-test send's decision, due at the end of its test period: the winner goes to the rest of the audience.
  runner.register(SPLIT_DECIDE_JOB, async (job) => {
    if ((await s.splitTests.runDecideJob(job)) === 'done') log.info({ sendId: job.ref }, 'split test decided');
    return undefined;
  });
  // A program enrolment: like a send, it waits for stale targeted segments, then records its contacts and faults.
  runner.register(ENROLMENT_JOB, async (job) => {
    const out = await s.programs.runJob(job);
    if (out === 'done') log.info({ enrolmentId: job.ref }, 'program enrolment finished');
    return out === 'waiting' ? 'released' : undefined;
  });
}
