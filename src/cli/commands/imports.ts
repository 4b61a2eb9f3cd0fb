import { Command } from 'commander';
import { ErrorCodes } from '../../domain/errors';
import { intOption, printTable, withAccount } from '../context';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** Why an import is where it is: its error code in words, or the last error of its job while it is retried. */
function reasonOf(errorCode: string | null, lastError: string | null | undefined, status: string): string | null {
  if (errorCode) {
    const known = (ErrorCodes as Record<string, { text: string } | undefined>)[errorCode];
    const text = `${known ? `${known.text} ` : ''}ERROR_${errorCode}`;
    return lastError && status === 'Failed' ? `${text} (last error: ${lastError})` : text;
  }
  return lastError && status === 'NotFinished' ? `retrying after: ${lastError}` : null;
}

/** `imports list`: an account's newest imports with status, rows and the reason of any that did not finish. */
export function importListCommands(program: Command): void {
  const imports = program.command('imports').description("an account's imports (run one with `import <file>`)");
  imports
    .command('list')
    .description("list an account's newest imports: status, rows, and why any did not finish")
    .requiredOption('--account <id>', 'account id')
    .option('--limit <n>', 'how many (newest first)', '20')
    .option('--json', 'print JSON')
    .action(async (o: { account: string; limit: string; json?: boolean }) => {
      const accountId = intOption(o.account, '--account')!;
      const limit = intOption(o.limit, '--limit')!;
      const list = await withAccount(accountId, async (s) => {
        const { IMPORT_JOB } = await import('../../services/imports');
        const lines = await s.status.recentImports(accountId, limit);
        return Promise.all(
          lines.map(async (l) => {
            const job = await s.jobs.latestFor(IMPORT_JOB, l.id);
            return {
              id: l.id,
              status: l.status,
              fileName: l.fileName,
              addressBookId: l.addressBookId,
              rowsDone: l.rowsDone,
              totalRows: l.totalRows,
              createdAt: iso(l.createdAt),
              finishedAt: iso(l.finishedAt),
              reason: reasonOf(l.errorCode, job?.lastError, l.status),
            };
          }),
        );
      });
      if (o.json) return console.log(JSON.stringify(list, null, 2));
      printTable(
        ['ID', 'STATUS', 'FILE', 'BOOK', 'ROWS', 'CREATED', 'FINISHED', 'REASON'],
        list.map((i) => [i.id, i.status, i.fileName, i.addressBookId, i.totalRows === null ? i.rowsDone : `${i.rowsDone}/${i.totalRows}`, i.createdAt, i.finishedAt, i.reason]),
      );
    });
}
