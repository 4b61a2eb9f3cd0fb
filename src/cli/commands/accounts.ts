import { Command } from 'commander';
import { withServices, intOption } from '../context';

/** `accounts create|list` and `users create|list`. */
export function accountCommands(program: Command): void {
  const accounts = program.command('accounts').description('manage accounts');
  accounts
    .command('create')
    .description('create an account with one API user; prints the new account id')
    .requiredOption('--name <name>', 'account name')
    .requiredOption('--user <username>', 'API username (e.g. apiuser-1@example.com)')
    .requiredOption('--password <password>', 'API password (8 characters or more)')
    .action(async (o: { name: string; user: string; password: string }) => {
      const id = await withServices((s) => s.accounts.createAccount(o.name, o.user, o.password));
      console.log(id);
    });
  accounts
    .command('list')
    .description('list accounts and their API users')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const list = await withServices((s) => s.accounts.list());
      if (o.json) return console.log(JSON.stringify(list, null, 2));
      console.log(['ID', 'NAME', 'CREATED', 'API USERS'].join('\t'));
      for (const a of list) console.log([a.id, a.name, new Date(a.createdAt).toISOString(), a.users.join(', ')].join('\t'));
    });

  const users = program.command('users').description('manage API users');
  users
    .command('create')
    .description('add an API user to an account')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--user <username>', 'API username')
    .requiredOption('--password <password>', 'API password (8 characters or more)')
    .action(async (o: { account: string; user: string; password: string }) => {
      await withServices((s) => s.accounts.createUser(intOption(o.account, '--account')!, o.user, o.password));
      console.log(`API user ${o.user} created`);
    });
  users
    .command('list')
    .description('list API users (all accounts, or one)')
    .option('--account <id>', 'only this account')
    .action(async (o: { account?: string }) => {
      const id = intOption(o.account, '--account');
      const list = await withServices((s) => s.accounts.list());
      for (const a of list.filter((x) => id === undefined || x.id === id)) for (const u of a.users) console.log(`${a.id}\t${u}`);
    });
}
