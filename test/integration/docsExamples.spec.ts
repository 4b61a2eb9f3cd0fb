import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ensureBuilt } from '../helpers/build';
import { scratchDbEnv } from '../helpers/db';
import { blockOutputs, docFiles, DocBlock, normalisedOutput, scriptOf } from '../helpers/docBlocks';
import { freePort } from '../helpers/process';

// Every shell example of README.md and docs/*.md runs as printed, file by file, on a fresh database (the convention
// is in test/helpers/docBlocks.ts and README.md "Examples in the docs"). The examples start the gateway themselves
// (`npm start &`, then wait for /ready); here it listens on a free port instead of 8080.

const ROOT = path.resolve(__dirname, '..', '..');

/** Output a file's examples must print when they run (checked only while the file has runnable examples). */
const KEY_OUTPUTS: Record<string, RegExp[]> = {
  'README.md': [/"MainEmail".*"u@example\.com"/, /"email":"john\.smith@example\.com"/, /"status":"Finished"/],
  'docs/campaigns.md': [
    /"status":"Sent","recipients":2/,
    /"status":"Cancelled"/,
    /<a:Status>(NotSent|Scheduled)<\/a:Status>/,
    /<SendCampaignToAddressBooksWithProgressResult>[0-9a-f-]{36}</,
    /"accepted":2,"duplicates":0/,
    /"accepted":3,"duplicates":0/,
    /"numSent":2,"numTextSent":0,"numTotalSent":2,/,
    /"dateViewed":"[^"]+"\}\]/,
    /<a:NumSent>2<\/a:NumSent>/,
    /<a:PercentageUniqueOpens>50<\/a:PercentageUniqueOpens>/,
    /<NumViews>1<\/NumViews><NumEstimatedForwards>0<\/NumEstimatedForwards><NumForwardToFriend>1<\/NumForwardToFriend>/,
    /"accepted":1,"contactsUpdated":1/,
    /"keyword":null,"linkId":\d+,"groups":\[\]/,
    /<ApiCampaignSummary xmlns="http:\/\/apiconnector\.com"[^>]*><DateSent>[^<]+<\/DateSent><NumUniqueOpens>1</,
    /<IsSplitTestCampaignResult>true<\/IsSplitTestCampaignResult>/,
    /A:Spring sale,B:Last days of the sale/,
  ],
  // the segment's members after the single write: Ann and Bob
  'docs/segments.md': [/\[\{"id":\d+,"email":"ann@example\.com"[^\]]*\},\{"id":\d+,"email":"bob@example\.com"[^\]]*\]/],
  'docs/files.md': [
    /"id":\d+,"name":"pixel","path":"http:\/\/[^"]+\/v2\/images\/[A-Za-z0-9_-]{32}\/pixel\.png"/i,
    /content-type: image\/png/i,
    /x-content-type-options: nosniff/i,
    /ERROR_FILE_TYPE_NOT_ALLOWED/,
    /content-disposition: attachment; filename="terms\.pdf"/i,
    /<a:Path>http:\/\/[^<]+\/logo\.png<\/a:Path>/,
  ],
  'docs/programs.md': [/\d+\tWelcome\tActive\t/, /Finished enrolled=1/, /<bob>,ERROR_CONTACT_SUPPRESSED\r?\n999999,ERROR_CONTACT_NOT_FOUND/],
  'docs/rest.md': [/"email":"john\.smith@example\.com"/, /ERROR_ADDRESSBOOK_NOT_FOUND/],
  'docs/soap-v2.md': [/<a:Status>Finished<\/a:Status>/],
  'docs/operations.md': [/\{"openapi":"3\.0\.3"/],
  'docs/imports.md': [/"status":"Finished"/, /InvalidEmail,not-an-email,Bob/],
  'docs/transactional-data.md': [/"totalImported":2,"totalRejected":2/, /<a:Json>\{&quot;items&quot;: 2\}<\/a:Json>/],
  'docs/templates.md': [/<a:Subject>Hello again<\/a:Subject>/, /^news@acme\.example$/m, /^Copy of Spring\nUnsent\nStandard$/m],
  'docs/outbox.md': [/sms \+447700900123 Your code is 1234/, /\{"acked":\[1\],"rejected":\[\]\}/],
};

/** True while some process of the group exists. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs a file's examples as one bash script in a process group of its own; ends the group (the gateway with it) afterwards. */
async function runExamples(blocks: DocBlock[], n: number): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const port = await freePort();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-docs-'));
  const script = path.join(tmp, 'examples.sh');
  fs.writeFileSync(script, scriptOf(blocks, port));
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...scratchDbEnv(`docs${n}`),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    TMPDIR: tmp,
    BOOTSTRAP_API_USER: '',
    BOOTSTRAP_API_PASSWORD: '',
    DATABASE_URL: undefined,
  };
  const child = spawn('bash', [script], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const pgid = child.pid!;
  const code = await new Promise<number | string>((res) => {
    // why: an example waiting for a gateway that never came up (`until curl …/ready`) would loop forever
    const timer = setTimeout(() => res('timeout'), 45_000);
    child.on('exit', (c, sig) => {
      clearTimeout(timer);
      res(c ?? sig ?? -1);
    });
  });
  // the gateway started with `npm start &` outlives the script: end the whole group; it shuts down while the next
  // file's examples run, and `endAll` waits for it
  if (groupAlive(pgid)) process.kill(-pgid, 'SIGTERM');
  ending.push({ pgid, tmp });
  return { code, stdout, stderr };
}

/** Process groups sent SIGTERM, with their temp folders. */
const ending: Array<{ pgid: number; tmp: string }> = [];

/** Waits until every ended group is gone (SIGKILL after 15 s), then removes the temp folders. */
async function endAll(): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (ending.some((e) => groupAlive(e.pgid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const { pgid, tmp } of ending.splice(0)) {
    if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

describe('docs: every shell example of README.md and docs/*.md runs as printed on a fresh database', function () {
  this.timeout(120_000);
  const files = docFiles(ROOT);

  before(() => ensureBuilt());
  // why: the gateways must be gone before the run's scratch databases are dropped (root after-hook)
  after(() => endAll());

  it('every skipped example says why (<!-- norun: reason -->)', () => {
    const noReason = files.flatMap((f) => f.blocks.filter((b) => b.skip === '(no reason given)').map((b) => `${b.file}:${b.line}`));
    expect(noReason, 'norun without a reason').to.deep.equal([]);
  });

  files.forEach(({ file, blocks }, n) => {
    const runnable = blocks.filter((b) => !b.skip);
    if (runnable.length === 0) return;
    it(`${file}: ${runnable.length} example(s) run, ${blocks.length - runnable.length} skipped`, async () => {
      const { code, stdout, stderr } = await runExamples(blocks, n);
      const outputs = blockOutputs(stdout);
      blocks.forEach((b, i) => {
        if (b.skip) return;
        const o = outputs.get(i);
        expect(o?.ok, `${file}:${b.line} example did not finish (exit ${code})\n--- its output:\n${o?.text ?? '(never started)'}\n--- stderr:\n${stderr.slice(-3000)}`).to.equal(true);
      });
      expect(code, `${file}: script exit\n${stderr.slice(-3000)}`).to.equal(0);
      // the outputs printed under the examples are what they print; an example with no printed output answers no error
      // (curl -s exits 0 on a 4xx, and an id read from an error answer would go on quietly as "undefined")
      blocks.forEach((b, i) => {
        if (b.skip) return;
        const text = outputs.get(i)!.text;
        if (b.expected !== undefined) {
          expect(normalisedOutput(text), `${file}:${b.line} prints something else than the doc shows`).to.equal(normalisedOutput(b.expected));
        } else {
          expect(text, `${file}:${b.line} got an error answer`).not.to.match(/"message":"[^"]*ERROR_[A-Z_]+"|<faultstring>[^<]*ERROR_|Authorization has been denied/);
        }
      });
      for (const re of KEY_OUTPUTS[file] ?? []) expect(stdout, `${file}: output should match ${re}`).to.match(re);
    });
  });
});
