import { Command } from 'commander';
import { allPages, intOption, printTable, withAccount } from '../context';

/** `address-books create|list`: an account's address books, through AddressBookService. */
export function addressBookCommands(program: Command): void {
  const books = program.command('address-books').description("manage an account's address books");
  books
    .command('create')
    .description('create an address book; prints its id')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--name <name>', 'address book name (unique in the account)')
    .option('--visibility <visibility>', 'Private or Public', 'Private')
    .option('--json', 'print the new address book as JSON')
    .action(async (o: { account: string; name: string; visibility: string; json?: boolean }) => {
      const accountId = intOption(o.account, '--account')!;
      const book = await withAccount(accountId, async (s) => {
        return s.addressBooks.create(accountId, { name: o.name, visibility: o.visibility });
      });
      console.log(o.json ? JSON.stringify(book, null, 2) : book.id);
    });
  books
    .command('list')
    .description("list an account's address books with their subscribed member counts")
    .requiredOption('--account <id>', 'account id')
    .option('--json', 'print JSON')
    .action(async (o: { account: string; json?: boolean }) => {
      const accountId = intOption(o.account, '--account')!;
      const list = await withAccount(accountId, async (s) => {
        return allPages(s, (q) => s.addressBooks.list(accountId, q));
      });
      if (o.json) return console.log(JSON.stringify(list, null, 2));
      printTable(['ID', 'NAME', 'VISIBILITY', 'CONTACTS', 'CREATED'], list.map((b) => [b.id, b.name, b.visibility, b.contacts, new Date(b.createdAt).toISOString()]));
    });
}
