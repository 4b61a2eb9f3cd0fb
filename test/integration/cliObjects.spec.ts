import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { EXIT } from '../../src/cli/context';
import { runCli } from '../helpers/cli';
import { scratchDbEnv } from '../helpers/db';

/** Runs CLI calls one after the other. why: CLI processes writing one SQLite file at once can get SQLITE_BUSY when a
 * read transaction upgrades to a write (SQLite does not wait then); the product runs one writer process per file. */
async function sequential<T>(calls: Array<() => Promise<T>>): Promise<T[]> {
  const out: T[] = [];
  for (const c of calls) out.push(await c());
  return out;
}

describe('CLI: address books, data fields, segments and imports of an account', function () {
  this.timeout(180_000);
  let env: Record<string, string>;
  let account: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-cliobj-'));

  before(async () => {
    env = scratchDbEnv('cliobj');
    const r = await runCli(env, 'accounts', 'create', '--name', 'Objects', '--user', `obj-${process.pid}@example.com`, '--password', 'obj-secret-1');
    expect(r.code, r.err).to.equal(EXIT.ok);
    account = r.out.trim();
  });

  it('address-books create prints the id; list shows it (table and JSON); duplicates 4, unknown account 3, no name 2', async () => {
    const made = await runCli(env, 'address-books', 'create', '--account', account, '--name', 'Newsletter', '--visibility', 'public');
    expect(made.code, made.err).to.equal(EXIT.ok);
    const id = Number(made.out.trim());
    expect(id).to.be.greaterThan(0);
    const [dup, reserved, noAccount, table, json] = await sequential([
      () => runCli(env, 'address-books', 'create', '--account', account, '--name', 'Newsletter'),
      () => runCli(env, 'address-books', 'create', '--account', account, '--name', 'Test'),
      () => runCli(env, 'address-books', 'create', '--account', '987654', '--name', 'X'),
      () => runCli(env, 'address-books', 'list', '--account', account),
      () => runCli(env, 'address-books', 'list', '--account', account, '--json'),
    ]);
    expect(dup.code, dup.err).to.equal(EXIT.conflict);
    expect(dup.err).to.include('ERROR_ADDRESSBOOK_DUPLICATE');
    expect(reserved.code).to.equal(EXIT.conflict);
    expect(noAccount.code, noAccount.err).to.equal(EXIT.notFound);
    expect(noAccount.err).to.include('Account 987654 does not exist');
    expect(table.out.split('\n')[0]).to.equal('ID\tNAME\tVISIBILITY\tCONTACTS\tCREATED');
    expect(table.out).to.match(new RegExp(`^${id}\\tNewsletter\\tPublic\\t0\\t`, 'm'));
    expect(JSON.parse(json.out)).to.deep.include.members([{ ...JSON.parse(json.out).find((b: { id: number }) => b.id === id), id, name: 'Newsletter', visibility: 'Public', contacts: 0 }]);
    const blank = await runCli(env, 'address-books', 'create', '--account', account, '--name', ' ');
    expect(blank.code).to.equal(EXIT.usage);
    expect(blank.err).to.include('ERROR_ADDRESSBOOK_INVALID');
  });

  it('data-fields create upper-cases the name and checks type and default; list shows the fields', async () => {
    const made = await runCli(env, 'data-fields', 'create', '--account', account, '--name', 'colour', '--default', 'Blue');
    expect(made.code, made.err).to.equal(EXIT.ok);
    expect(made.out.trim()).to.equal('COLOUR');
    const [num, badType, badDefault, dup] = await sequential([
      () => runCli(env, 'data-fields', 'create', '--account', account, '--name', 'Score', '--type', 'numeric', '--json'),
      () => runCli(env, 'data-fields', 'create', '--account', account, '--name', 'X1', '--type', 'Colourful'),
      () => runCli(env, 'data-fields', 'create', '--account', account, '--name', 'X2', '--type', 'Numeric', '--default', 'lots'),
      () => runCli(env, 'data-fields', 'create', '--account', account, '--name', 'COLOUR'),
    ]);
    expect(num.code, num.err).to.equal(EXIT.ok);
    expect(JSON.parse(num.out)).to.include({ name: 'SCORE', type: 'Numeric', visibility: 'Private' });
    expect(badType.code).to.equal(EXIT.usage);
    expect(badType.err).to.include('ERROR_DATAFIELD_INVALID');
    expect(badDefault.code).to.equal(EXIT.usage);
    expect(dup.code).to.equal(EXIT.conflict);
    expect(dup.err).to.include('ERROR_NON_UNIQUE_DATAFIELD');
    const list = await runCli(env, 'data-fields', 'list', '--account', account);
    expect(list.out.split('\n')[0]).to.equal('NAME\tTYPE\tVISIBILITY\tDEFAULT');
    expect(list.out).to.match(/^COLOUR\tString\tPrivate\tBlue$/m);
    expect(list.out).to.match(/^SCORE\tNumeric\tPrivate\t-$/m);
    expect(list.out).not.to.match(/^X1|^X2/m);
  });

  it('segments create takes rules inline or from a file, rejects bad JSON and unknown fields, and segments list shows it', async () => {
    await runCli(env, 'data-fields', 'create', '--account', account, '--name', 'TIER');
    const rulesFile = path.join(tmp, 'rules.json');
    fs.writeFileSync(rulesFile, JSON.stringify({ any: [{ dataField: 'TIER', op: 'equals', value: 'Gold' }, { contact: 'email', op: 'domainIs', value: 'example.com' }] }));
    const [inline, fromFile, badJson, unknownField, neither, both, missingFile] = await sequential([
      () => runCli(env, 'segments', 'create', '--account', account, '--name', 'Gold', '--rules', '{"all":[{"dataField":"TIER","op":"equals","value":"Gold"}]}'),
      () => runCli(env, 'segments', 'create', '--account', account, '--name', 'Gold or example', '--rules-file', rulesFile, '--json'),
      () => runCli(env, 'segments', 'create', '--account', account, '--name', 'Bad', '--rules', '{"all":['),
      () => runCli(env, 'segments', 'create', '--account', account, '--name', 'Bad2', '--rules', '{"all":[{"dataField":"NOPE","op":"equals","value":"x"}]}'),
      () => runCli(env, 'segments', 'create', '--account', account, '--name', 'Bad3'),
      () => runCli(env, 'segments', 'create', '--account', account, '--name', 'Bad4', '--rules', '{}', '--rules-file', rulesFile),
      () => runCli(env, 'segments', 'create', '--account', account, '--name', 'Bad5', '--rules-file', path.join(tmp, 'none.json')),
    ]);
    expect(inline.code, inline.err).to.equal(EXIT.ok);
    const id = Number(inline.out.trim());
    expect(id).to.be.greaterThan(0);
    expect(fromFile.code, fromFile.err).to.equal(EXIT.ok);
    expect(JSON.parse(fromFile.out)).to.include({ name: 'Gold or example', kind: 'realtime' });
    expect(badJson.code).to.equal(EXIT.usage);
    expect(badJson.err).to.include('not valid JSON').and.include('ERROR_SEGMENT_INVALID');
    expect(unknownField.code).to.equal(EXIT.usage);
    expect(unknownField.err).to.include('NOPE');
    for (const r of [neither, both]) {
      expect(r.code).to.equal(EXIT.usage);
      expect(r.err).to.include('exactly one of --rules');
    }
    expect(missingFile.code).to.equal(EXIT.notFound);
    const list = await runCli(env, 'segments', 'list', '--account', account, '--json');
    expect(JSON.parse(list.out).map((s: { name: string }) => s.name)).to.have.members(['Gold', 'Gold or example']);
  });

  it('imports list shows status, rows and the reason of an import that did not finish', async () => {
    const good = path.join(tmp, 'good.csv');
    const bad = path.join(tmp, 'bad.csv');
    fs.writeFileSync(good, 'Email,TIER\na@cli.test,Gold\nb@cli.test,Silver\n');
    fs.writeFileSync(bad, 'Name,TIER\nAnn,Gold\n');
    expect((await runCli(env, 'import', good, '--account', account, '--no-progress')).code).to.equal(EXIT.ok);
    const failed = await runCli(env, 'import', bad, '--account', account, '--no-progress');
    expect(failed.code).to.equal(EXIT.failed);
    const [json, table, none] = await sequential([
      () => runCli(env, 'imports', 'list', '--account', account, '--json'),
      () => runCli(env, 'imports', 'list', '--account', account, '--limit', '1'),
      () => runCli(env, 'imports', 'list', '--account', '987654'),
    ]);
    expect(json.code, json.err).to.equal(EXIT.ok);
    const list = JSON.parse(json.out) as Array<Record<string, unknown>>;
    expect(list.map((i) => i.fileName)).to.deep.equal(['bad.csv', 'good.csv']);
    expect(list[1]).to.include({ status: 'Finished', rowsDone: 2, totalRows: 2, reason: null });
    expect(list[0].status).to.equal('InvalidFileFormat');
    expect(list[0].reason).to.equal('The file does not contain an Email column. ERROR_NO_EMAIL_COLUMN');
    expect(table.out.split('\n')[0]).to.equal('ID\tSTATUS\tFILE\tBOOK\tROWS\tCREATED\tFINISHED\tREASON');
    expect(table.out.trim().split('\n')).to.have.length(2);
    expect(table.out).to.include('\tInvalidFileFormat\tbad.csv\t-\t');
    expect(none.code).to.equal(EXIT.notFound);
  });
});
