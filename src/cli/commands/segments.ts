import { Command } from 'commander';
import { intOption, withServices } from '../context';
import type { SegmentView } from '../../services/segments';
import { segmentCreateCommand } from './segmentCreate';

const iso = (t: number | null) => (t === null ? '-' : new Date(t).toISOString());

/** `segments list|create|refresh` and `sweeper run-once`. */
export function segmentCommands(program: Command): void {
  const segments = program.command('segments').description('segments: list with freshness, create, refresh');
  segments
    .command('list')
    .description('list segments with member counts and freshness')
    .option('--account <id>', 'only this account')
    .option('--json', 'print JSON')
    .action(async (o: { account?: string; json?: boolean }) => {
      const list = await withServices((s) => s.segments.listAll(intOption(o.account, '--account')));
      if (o.json) return console.log(JSON.stringify(list, null, 2));
      console.log(['ID', 'ACCOUNT', 'NAME', 'KIND', 'CONTACTS', 'LAST REFRESHED', 'PENDING', 'STALE SINCE', 'REFRESH DUE BY', 'STATUS'].join('\t'));
      for (const v of list) {
        console.log(
          [v.id, v.accountId, v.name, v.kind, v.contacts, iso(v.lastRefreshed), v.pendingRefresh ? 'yes' : 'no', iso(v.staleSince), iso(v.refreshDueBy), v.refreshStatus].join('\t'),
        );
      }
    });
  segmentCreateCommand(segments);
  segments
    .command('refresh <id>')
    .description('queue a refresh of a segment (joins one already queued or running)')
    .option('--full', 'recompute every member instead of only the changed contacts')
    .option('--wait', 'wait until the refresh has finished, running it in this process if no gateway takes it first')
    .action(async (id: string, o: { full?: boolean; wait?: boolean }) => {
      const sid = intOption(id, 'id')!;
      const code = await withServices(async (s) => {
        const seg = (await s.segments.listAll()).find((x) => x.id === sid);
        if (!seg) {
          console.error('error: Segment not found. ERROR_SEGMENT_NOT_FOUND');
          return 3;
        }
        const accountId = seg.accountId!;
        const state = await s.segments.requestRefresh(accountId, sid, 'cli', { full: o.full });
        console.log(`refresh of segment ${sid} queued (${state.status})`);
        if (!o.wait) return 0;
        const [{ default: cliProgress }, { JobRunner }, { registerSegmentJobs }] = await Promise.all([import('cli-progress'), import('../../jobs/runner'), import('../../jobs/segmentJobs')]);
        const steps = ['queued', 'running', 'finished'];
        const bar = new cliProgress.SingleBar({ format: 'segment {id} [{bar}] {stage}', hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(steps.length - 1, 0, { id: sid, stage: 'queued' });
        const runner = new JobRunner(s.jobs, `${s.config.instanceId}:cli`, { pollMs: 200 });
        registerSegmentJobs(runner, s);
        let v: SegmentView = await s.segments.get(accountId, sid);
        for (;;) {
          const st = await s.segments.refreshStatus(accountId, sid);
          if (st.status === 'Finished' || st.status === 'Failed') break;
          bar.update(1, { stage: 'running' });
          // why: with no gateway process running jobs the CLI claims the job itself (through the same lease).
          if ((await runner.drain(1)) === 0) await new Promise((res) => setTimeout(res, 300));
        }
        v = await s.segments.get(accountId, sid);
        bar.update(2, { stage: v.refreshStatus ?? '' });
        bar.stop();
        const last = (await s.segments.history(accountId, sid))[0];
        console.log(
          `${v.refreshStatus}: ${v.contacts} contacts; mode ${last?.mode ?? '-'}; changed ${last?.changedContacts ?? '-'}; ` +
            `took ${last?.finishedAt && last.startedAt ? last.finishedAt - last.startedAt : '-'} ms; last refreshed ${iso(v.lastRefreshed)}`,
        );
        return v.refreshStatus === 'Failed' ? 1 : 0;
      });
      process.exitCode = code;
    });

  const sweeper = program.command('sweeper').description('the segment sweeper');
  sweeper
    .command('run-once')
    .description('run one sweep now: queue refreshes for every segment that is due (prints them)')
    .action(async () => {
      const queued = await withServices((s) => s.segments.sweepOnce());
      for (const q of queued) console.log(`${q.id}\t${q.reason}\t${q.joined ? 'joined existing refresh' : 'queued'}`);
      console.log(`${queued.length} segment(s) due`);
    });
}
