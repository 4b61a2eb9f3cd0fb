import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { startApp, TestApp } from '../helpers/app';
import { testEngine, testStore } from '../helpers/db';
import { systemClock } from '../../src/lib/clock';
import { SegmentWriteHooks } from '../../src/services/segmentHooks';

// Three real gateway processes on one MariaDB database. This describe block is registered only on MySQL/MariaDB:
// SQLite is a single-file, single-writer engine that is not shared between gateway processes.
if (testEngine() === 'mysql') {
  describe('segment refresh across three gateway processes (MariaDB leases)', function () {
    this.timeout(120_000);
    const ROOT = path.resolve(__dirname, '../..');
    const procs = new Map<string, ChildProcess>();
    let app: TestApp;

    const wait = (ms: number) => new Promise((res) => setTimeout(res, ms));
    /** Polls (real processes run on real time; there is nothing to drive) until cond holds or the deadline passes. */
    async function until(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (await cond()) return;
        await wait(100);
      }
      throw new Error(`timed out waiting for ${what}`);
    }

    async function spawnGateway(name: string, database: string): Promise<void> {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env: {
          ...process.env,
          DB_CLIENT: 'mysql2',
          DB_NAME: database,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info', // the "listening" start-up record is written at level info
          INSTANCE_ID: name,
          SEGMENT_SWEEP_CRON: '*/1 * * * * *',
          SEGMENT_REFRESH_QUIET: '1s',
          SEGMENT_REFRESH_MAX_DELAY: '3s',
          SEGMENT_REFRESH_TEST_HOLD: '1200ms',
          JOB_POLL_INTERVAL: '50ms',
          JOB_LEASE: '2s',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      procs.set(name, child);
      let out = '';
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${name} did not start: ${out}`)), 60_000);
        const onData = (d: Buffer) => {
          out += d.toString();
          if (out.includes('listening')) {
            clearTimeout(t);
            resolve();
          }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
        child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${out}`)));
      });
    }

    before(async () => {
      app = await startApp({ clock: systemClock });
    });

    after(async () => {
      for (const p of procs.values()) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
      await Promise.all([...procs.values()].map((p) => (p.exitCode !== null || p.signalCode !== null ? undefined : new Promise((res) => p.once('exit', res)))));
      await app.close();
    });

    it('never runs one segment refresh twice at once, and takes over a refresh whose process was killed', async () => {
      const s = app.services;
      const { config } = await testStore();
      const database = (config.db as { database: string }).database;
      const hooks = new SegmentWriteHooks(systemClock);
      const { accountId } = await app.newAccount('three-process');
      await s.dataFields.create(accountId, { name: 'SCORE', type: 'Numeric' });
      const ids: number[] = [];
      for (let i = 0; i < 60; i++) ids.push((await s.contacts.create(accountId, { email: `m${i}@x.com`, dataFields: { SCORE: i } })).id);
      const segs: Array<{ id: number; min: number }> = [];
      for (const min of [10, 30, 50]) segs.push({ id: (await s.segments.create(accountId, { name: `ge${min}`, rules: { all: [{ dataField: 'SCORE', op: '>=', value: min }] } })).id, min });

      await Promise.all(['p1', 'p2', 'p3'].map((n) => spawnGateway(n, database)));

      // Bulk writes and manual refresh requests for a while, while all three processes sweep every second.
      const scores = new Map(ids.map((id, i) => [id, i]));
      const end = Date.now() + 7000;
      let round = 0;
      while (Date.now() < end) {
        const batch = ids.filter((_, i) => (i + round) % 7 === 0);
        const score = (round * 13) % 60;
        await s.store.tx(async (r) => {
          await r.db('contacts').whereIn('id', batch).update({ data: JSON.stringify({ SCORE: score }) });
          await hooks.bulkWrite(r, accountId, batch);
        });
        for (const id of batch) scores.set(id, score);
        if (round % 3 === 0) await s.segments.requestRefresh(accountId, segs[round % segs.length].id);
        round++;
        await wait(250);
      }
      const settled = async () => {
        for (const g of segs) {
          const v = await s.segments.get(accountId, g.id);
          if (v.pendingRefresh) return false;
        }
        return true;
      };
      await until(settled, 60_000, 'every segment to be refreshed');

      for (const g of segs) {
        const want = ids.filter((id) => scores.get(id)! >= g.min);
        const got = (await s.store.knex('segment_members').where({ segment_id: g.id }).orderBy('contact_id').select('contact_id')).map((r) => Number(r.contact_id));
        expect(got, `members of ge${g.min}`).to.deep.equal(want);
        expect((await s.segments.get(accountId, g.id)).contacts).to.equal(want.length);
        const runs = (await s.segments.history(accountId, g.id)).filter((h) => h.status === 'done').sort((a, b) => a.startedAt! - b.startedAt!);
        expect(runs.length).to.be.greaterThan(1);
        for (let i = 1; i < runs.length; i++) {
          expect(runs[i].startedAt!, `run ${runs[i].id} (${runs[i].owner}) overlaps run ${runs[i - 1].id} (${runs[i - 1].owner})`).to.be.at.least(runs[i - 1].finishedAt!);
        }
        // each queued refresh (job) ran to completion exactly once
        const perJob = new Map<number, number>();
        for (const r of runs) perJob.set(r.jobId!, (perJob.get(r.jobId!) ?? 0) + 1);
        expect([...perJob.values()].every((n) => n === 1)).to.equal(true);
        const jobs = await s.store.knex('jobs').where({ type: 'segment-refresh', ref: String(g.id) }).select('id', 'status');
        expect(jobs.every((j) => j.status === 'done')).to.equal(true);
        expect(new Set(runs.map((r) => r.jobId))).to.deep.equal(new Set(jobs.map((j) => Number(j.id))));
      }

      // Kill -9 the process holding a refresh; another one takes it over once the lease (2 s) expires.
      const target = segs[0].id;
      await s.segments.requestRefresh(accountId, target, 'manual', { full: true });
      let victim: { owner: string; jobId: number; id: number } | undefined;
      await until(
        async () => {
          const row = await s.store.knex('segment_refreshes').where({ segment_id: target, status: 'running' }).orderBy('id', 'desc').first();
          if (row) victim = { owner: String(row.owner), jobId: Number(row.job_id), id: Number(row.id) };
          return victim !== undefined;
        },
        20_000,
        'a process to start the refresh',
      );
      const killedAt = Date.now();
      procs.get(victim!.owner)!.kill('SIGKILL');
      await until(async () => (await s.store.knex('jobs').where({ id: victim!.jobId }).first())?.status === 'done', 30_000, 'the takeover to finish');
      const rows = await s.store.knex('segment_refreshes').where({ job_id: victim!.jobId }).orderBy('id');
      const dead = rows.find((r) => Number(r.id) === victim!.id)!;
      const done = rows.filter((r) => r.status === 'done');
      expect(done).to.have.length(1);
      expect(done[0].owner).not.to.equal(victim!.owner);
      expect(Number(done[0].started_at)).to.be.at.least(killedAt);
      expect(dead.status).to.equal('abandoned');
      const job = await s.jobs.get(victim!.jobId);
      expect(job!.attempts).to.be.at.least(2);
      const want = ids.filter((id) => scores.get(id)! >= segs[0].min);
      expect((await s.segments.get(accountId, target)).contacts).to.equal(want.length);
    });
  });
}
