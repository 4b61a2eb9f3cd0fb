import { Command } from 'commander';
import { DomainError } from '../../domain/errors';
import { intOption, printTable, requireAccount, withServices } from '../context';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** `outbox list|claim|ack`: the consumable outbox for a delivery worker or an operator, through OutboxService. */
export function outboxCommands(program: Command): void {
  const cmd = program.command('outbox').description('page through, claim and acknowledge outbox rows (what a delivery worker sends; docs/outbox.md)');
  cmd
    .command('list')
    .description('list outbox rows, oldest first (every account unless --account)')
    .option('--account <id>', 'only this account')
    .option('--state <state>', 'pending, claimed, acked or all', 'pending')
    .option('--kind <kind>', 'only rows of this kind (email, sms, ...)')
    .option('--select <n>', 'page size')
    .option('--skip <n>', 'rows to skip', '0')
    .option('--json', 'print JSON')
    .action(async (o: { account?: string; state: string; kind?: string; select?: string; skip: string; json?: boolean }) => {
      const accountId = intOption(o.account, '--account');
      const rows = await withServices(async (s) => {
        if (accountId !== undefined) await requireAccount(s, accountId);
        return s.outbox.list(accountId, { state: o.state, kind: o.kind, select: o.select, skip: o.skip });
      });
      if (o.json) return console.log(JSON.stringify(rows, null, 2));
      printTable(
        ['ID', 'ACCOUNT', 'KIND', 'TO', 'CREATED', 'CLAIMED_UNTIL', 'ACKED'],
        rows.map((r) => [r.id, r.accountId, r.kind, r.telephone ?? r.email, iso(r.createdAt), iso(r.claimedUntil), iso(r.ackedAt)]),
      );
    });
  cmd
    .command('claim')
    .description('claim a batch of pending rows with a lease; prints {claimToken, claimedUntil, rows} as JSON')
    .option('--account <id>', 'only this account')
    .option('--limit <n>', 'most rows (1..1000)', '100')
    .option('--lease-seconds <n>', 'lease length (1..3600)', '60')
    .action(async (o: { account?: string; limit: string; leaseSeconds: string }) => {
      const accountId = intOption(o.account, '--account');
      const lease = intOption(o.leaseSeconds, '--lease-seconds')!;
      const c = await withServices(async (s) => {
        if (accountId !== undefined) await requireAccount(s, accountId);
        return s.outbox.claim(accountId, { limit: o.limit, leaseMs: lease * 1000 });
      });
      console.log(JSON.stringify(c, null, 2));
    });
  cmd
    .command('ack')
    .description('acknowledge delivered rows of a claim; prints {acked, rejected} as JSON (exit 4 when some were rejected)')
    .requiredOption('--token <claimToken>', 'the token the claim printed')
    .requiredOption('--ids <ids>', 'comma-separated row ids')
    .option('--account <id>', 'only this account')
    .action(async (o: { token: string; ids: string; account?: string }) => {
      const accountId = intOption(o.account, '--account');
      if (!/^\d+(,\d+)*$/.test(o.ids.replace(/\s/g, ''))) throw new DomainError('PARAMETER_INVALID', '--ids must be comma-separated row ids.');
      const ids = o.ids.replace(/\s/g, '').split(',').map(Number);
      const r = await withServices((s) => s.outbox.ack(accountId, { claimToken: o.token, ids }));
      console.log(JSON.stringify(r));
      if (r.rejected.length) process.exitCode = 4;
    });
}
