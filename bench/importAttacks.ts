// Hostile import files against a real server process (started as `npm start` starts it, SQLite temp file): xlsx bombs
// and legacy text encodings. For each file a fresh server; the file goes up as REST JSON base64, then the status is
// polled every 100 ms until it is no longer NotFinished (or --timeout seconds pass). Prints, per file: the final
// status, the seconds from the upload to it, the job's attempts, the server's RSS before and its peak (VmHWM), whether
// the server still answers, and what the report route (or the stored contact) says.
// Usage: npx tsx bench/importAttacks.ts [--only sheet,rows,...] [--timeout 240]
import { spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { knexOptions } from '../src/db/connection';
import { migrateLatest } from '../src/db/migrate';
import { Store } from '../src/db/store';
import { systemClock } from '../src/lib/clock';
import { createServices } from '../src/services';
import { loadConfig } from '../src/config';
import { inlineCell, repeated, rowsBomb, sharedStringsBomb, SHEET_HEAD, SHEET_TAIL, sheetBomb, xlsx } from '../test/helpers/xlsxFiles';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}
const TIMEOUT_S = Number(arg('timeout', '240'));
const PORT = 19000 + (process.pid % 1000);
const TMP = path.resolve('.bench-tmp');

/** The hostile files: name, file name, bytes, and the contact whose stored form shows a decoding result. */
const FILES: Array<{ key: string; what: string; fileName: string; data: () => Buffer; probe?: string }> = [
  { key: 'sheet', what: 'xlsx, sheet unpacks to 1 GB (sizes honest)', fileName: 'bomb.xlsx', data: () => sheetBomb() },
  { key: 'sheet-lie', what: 'xlsx, sheet unpacks to 1 GB, directory says 64 KB', fileName: 'bomb.xlsx', data: () => sheetBomb(true) },
  { key: 'rows', what: 'xlsx, 5,000,000 rows (packed 40 to 1)', fileName: 'rows.xlsx', data: () => rowsBomb() },
  {
    key: 'rows-packed',
    what: 'xlsx, 4,000,000 rows packed 1,000 to 1',
    fileName: 'rows.xlsx',
    data: () => xlsx(repeated('sheet', `${SHEET_HEAD}<row>${inlineCell('Email')}</row>`, '<row><c><v>1</v></c></row>', 4_000_000, SHEET_TAIL)),
  },
  { key: 'sst', what: 'xlsx, 500 MB sharedStrings (sizes honest)', fileName: 'sst.xlsx', data: () => sharedStringsBomb() },
  { key: 'sst-lie', what: 'xlsx, 500 MB sharedStrings, directory says 64 KB', fileName: 'sst.xlsx', data: () => sharedStringsBomb(true) },
  {
    key: 'latin1',
    what: 'Windows-1252 CSV (café@, Renée)',
    fileName: 'latin1.csv',
    data: () => Buffer.from('Email,FirstName\r\ncaf\xe9@example.com,Ren\xe9e\r\nplain@example.com,Zo\xeb\r\n', 'latin1'),
    probe: 'plain@example.com',
  },
  {
    key: 'utf16',
    what: 'UTF-16 LE CSV with BOM',
    fileName: 'utf16.csv',
    data: () => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Email,FirstName\r\nu16@example.com,Ren\u00e9e\r\n', 'utf16le')]),
    probe: 'u16@example.com',
  },
];

function request(method: string, url: string, auth: string, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Authorization: auth, Accept: 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function rssMb(child: ChildProcess, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

function startCommand(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.resolve('package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.start.trim().split(/\s+/);
  if (words[0] === 'node') return words.slice(1);
  throw new Error(`cannot run the start script: ${pkg.scripts.start}`);
}

async function startServer(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, startCommand(), { env, stdio: ['ignore', 'ignore', 'ignore'] });
  for (let i = 0; i < 200; i++) {
    await new Promise((res) => setTimeout(res, 100));
    if (await alive()) return child;
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

function alive(): Promise<boolean> {
  return new Promise<boolean>((res) => {
    http.get(`http://127.0.0.1:${PORT}/ready`, (r) => res(r.statusCode === 200)).on('error', () => res(false));
  });
}

async function main(): Promise<void> {
  const only = arg('only', '').split(',').filter(Boolean);
  fs.mkdirSync(TMP, { recursive: true });
  const rows: string[] = [];
  for (const f of FILES.filter((x) => !only.length || only.includes(x.key))) {
    const file = path.join(TMP, `attacks-${process.pid}.sqlite`);
    for (const s of ['', '-wal', '-shm']) fs.rmSync(file + s, { force: true });
    const k = knexFactory({ ...knexOptions({ client: 'sqlite', filename: file }), pool: { min: 0, max: 1 } });
    await migrateLatest(k);
    const s = createServices(new Store(k, 'sqlite'), systemClock, loadConfig({ ...process.env, DB_CLIENT: 'sqlite' }));
    const user = 'apiuser-attacks@example.com';
    const pw = 'attack-password-1';
    await s.accounts.createAccount('attacks', user, pw);
    const auth = `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
    const env = { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', LOG_LEVEL: 'silent', JOB_POLL_INTERVAL: '100ms', DB_CLIENT: 'sqlite', DB_FILENAME: file };
    const server = await startServer(env);
    const base = `http://127.0.0.1:${PORT}`;
    try {
      const rssBefore = rssMb(server, 'VmRSS');
      const data = f.data();
      const t0 = process.hrtime.bigint();
      const up = await request('POST', `${base}/v2/contacts/import`, auth, JSON.stringify({ fileName: f.fileName, data: data.toString('base64') }));
      if (up.status !== 202) throw new Error(`${f.key}: upload answered ${up.status} ${up.text}`);
      const id = JSON.parse(up.text).id as string;
      let status = 'NotFinished';
      let secs = 0;
      while (status === 'NotFinished' && secs < TIMEOUT_S) {
        await new Promise((res) => setTimeout(res, 100));
        secs = Number(process.hrtime.bigint() - t0) / 1e9;
        const st = await request('GET', `${base}/v2/contacts/import/${id}`, auth).catch(() => ({ status: 0, text: '{}' }));
        status = st.status === 200 ? JSON.parse(st.text).status : `no answer (${st.status})`;
      }
      const peak = rssMb(server, 'VmHWM');
      const up2 = await alive();
      const job = await k('jobs').where({ ref: id }).first('attempts', 'status');
      const rep = await request('GET', `${base}/v2/contacts/import/${id}/report`, auth);
      let answer = rep.status === 200 ? `report ${rep.text}` : JSON.parse(rep.text).message;
      if (f.probe) {
        const c = await k('contacts').where({ email_key: f.probe }).first('email', 'data');
        const all = await k('contacts').select('email', 'data');
        answer = `stored: ${all.map((r) => `${JSON.stringify(r.email)} ${r.data}`).join('; ') || 'nothing'}${c ? '' : ' (probe missing)'}`;
      }
      rows.push(
        `| ${f.what} | ${(data.length / 1e6).toFixed(2)} MB | ${status} | ${secs.toFixed(1)} s${status === 'NotFinished' ? ' (timeout)' : ''} | ${job?.attempts ?? '-'} (${job?.status ?? '-'}) | ${rssBefore} -> ${peak} MB | ${up2 ? 'yes' : 'NO'} | ${answer.replace(/\|/g, '\\|')} |`,
      );
      process.stderr.write(`${rows[rows.length - 1]}\n`);
    } finally {
      server.kill('SIGTERM');
      await new Promise((res) => server.once('exit', res));
      await k.destroy();
      for (const s2 of ['', '-wal', '-shm']) fs.rmSync(file + s2, { force: true });
    }
  }
  console.log(`\nimport attacks ${new Date().toISOString()} | nproc ${os.cpus().length} | CPU ${(os.cpus()[0]?.model ?? '').trim()}`);
  console.log('| file | size | final status | time to it | job attempts | server RSS before -> peak | server answers after | report / stored |');
  console.log('|---|---:|---|---:|---|---:|---|---|');
  for (const r of rows) console.log(r);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
