import { Command } from 'commander';
import { allPages, intOption, printTable, withAccount } from '../context';

/** `from-addresses add|list|remove`: an account's custom from addresses, through FromAddressService. */
export function fromAddressCommands(program: Command): void {
  const cmd = program.command('from-addresses').description("manage an account's custom from addresses (what campaigns may be sent from)");
  cmd
    .command('add')
    .description('add a custom from address; prints its id')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--email <address>', 'the from address (unique in the account, any case)')
    .option('--json', 'print the new address as JSON')
    .action(async (o: { account: string; email: string; json?: boolean }) => {
      const accountId = intOption(o.account, '--account')!;
      const a = await withAccount(accountId, async (s) => {
        return s.fromAddresses.add(accountId, o.email);
      });
      console.log(o.json ? JSON.stringify(a, null, 2) : a.id);
    });
  cmd
    .command('list')
    .description("list an account's custom from addresses")
    .requiredOption('--account <id>', 'account id')
    .option('--json', 'print JSON')
    .action(async (o: { account: string; json?: boolean }) => {
      const accountId = intOption(o.account, '--account')!;
      const list = await withAccount(accountId, async (s) => {
        return allPages(s, (q) => s.fromAddresses.list(accountId, q));
      });
      if (o.json) return console.log(JSON.stringify(list, null, 2));
      printTable(['ID', 'EMAIL', 'CREATED'], list.map((a) => [a.id, a.email, new Date(a.createdAt).toISOString()]));
    });
  cmd
    .command('remove')
    .description('remove a custom from address by id')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--id <id>', 'from address id')
    .action(async (o: { account: string; id: string }) => {
      const accountId = intOption(o.account, '--account')!;
      await withAccount(accountId, async (s) => {
        await s.fromAddresses.remove(accountId, intOption(o.id, '--id'));
      });
    });
}
