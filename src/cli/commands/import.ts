import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { REPORT_KEYS } from '../../domain/importReport';
import { EXIT, intOption, withServices } from '../context';

/** `import <file> --account ID [--address-book ID]`: runs the import pipeline in this process with a progress bar. */
export function importCommands(program: Command): void {
  program
    .command('import')
    .description('import a CSV or xlsx file of contacts (same pipeline as the API), showing rows, rows/s and ETA, then the report')
    .argument('<file>', 'the .csv or .xlsx file')
    .requiredOption('--account <id>', 'account id')
    .option('--address-book <id>', 'address book to add the contacts to (default: the account only)')
    .option('--json', 'print the report as JSON')
    .option('--no-progress', 'no progress bar')
    .action(async (file: string, o: { account: string; addressBook?: string; json?: boolean; progress: boolean }) => {
      const accountId = intOption(o.account, '--account')!;
      if (!fs.existsSync(file)) {
        console.error(`error: no such file: ${file}`);
        process.exitCode = EXIT.notFound;
        return;
      }
      const addressBookId = intOption(o.addressBook, '--address-book');
      const [{ default: cliProgress }, { createBackground }, { silentLogger }] = await Promise.all([import('cli-progress'), import('../../jobs'), import('../../lib/logger')]);
      await withServices(async (s) => {
        // an unknown account fails here with a clear error and exit 3, not a foreign-key failure
        if (!(await s.accounts.list()).some((a) => a.id === accountId)) {
          console.error(`error: no account ${accountId}`);
          process.exitCode = EXIT.notFound;
          return;
        }
        const started = await s.imports.startFile(accountId, { path: path.resolve(file), fileName: path.basename(file), addressBookId, dialect: 'cli' });
        const bar =
          o.progress && process.stderr.isTTY
            ? new cliProgress.SingleBar(
                { format: 'import [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}', stream: process.stderr },
                cliProgress.Presets.shades_classic,
              )
            : undefined;
        const first = await s.imports.progress(accountId, started.id);
        bar?.start(Math.max(1, first.totalRows ?? 1), 0, { rate: 0 });
        const tick = async () => {
          const p = await s.imports.progress(accountId, started.id);
          if (p.totalRows !== null) bar?.setTotal(Math.max(1, p.totalRows));
          bar?.update(p.rowsDone, { rate: p.rowsPerSecond });
        };
        const timer = setInterval(() => void tick().catch(() => undefined), 250);
        try {
          // Runs this import's job (and any other due import) in-process, through the same leased queue as a server.
          await createBackground(s, silentLogger).runner.drain();
          await tick();
        } finally {
          clearInterval(timer);
          bar?.stop();
        }
        const p = await s.imports.progress(accountId, started.id);
        if (p.status !== 'Finished') {
          console.error(`import ${p.id} ended with status ${p.status}${p.reason ? `: ${p.reason}` : ''}`);
          if (o.json) console.log(JSON.stringify({ id: p.id, status: p.status, rows: p.rowsDone, reason: p.reason }, null, 2));
          process.exitCode = EXIT.failed;
          return;
        }
        const report = await s.imports.report(accountId, started.id);
        if (o.json) return console.log(JSON.stringify({ id: p.id, status: p.status, rows: p.rowsDone, report }, null, 2));
        console.log(`import ${p.id}: ${p.status}, ${p.rowsDone} rows, ${p.rowsPerSecond} rows/s`);
        for (const k of REPORT_KEYS) console.log(`  ${k.padEnd(20)} ${report[k]}`);
      });
    });
}
