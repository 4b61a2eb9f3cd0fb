import { Command } from 'commander';
import { intOption, printTable, withAccount } from '../context';

/** `data-fields create|list`: an account's contact data fields, through DataFieldService. */
export function dataFieldCommands(program: Command): void {
  const fields = program.command('data-fields').description("manage an account's contact data fields");
  fields
    .command('create')
    .description('create a data field (the name is upper-cased); prints its name')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--name <name>', 'field name, e.g. FIRSTNAME')
    .option('--type <type>', 'String, Numeric, Date or Boolean', 'String')
    .option('--visibility <visibility>', 'Private or Public', 'Private')
    .option('--default <value>', 'default value (must fit the type)')
    .option('--json', 'print the new field as JSON')
    .action(async (o: { account: string; name: string; type: string; visibility: string; default?: string; json?: boolean }) => {
      const accountId = intOption(o.account, '--account')!;
      const field = await withAccount(accountId, async (s) => {
        return s.dataFields.create(accountId, { name: o.name, type: o.type, visibility: o.visibility, defaultValue: o.default });
      });
      console.log(o.json ? JSON.stringify(field, null, 2) : field.name);
    });
  fields
    .command('list')
    .description("list an account's data fields")
    .requiredOption('--account <id>', 'account id')
    .option('--json', 'print JSON')
    .action(async (o: { account: string; json?: boolean }) => {
      const accountId = intOption(o.account, '--account')!;
      const list = await withAccount(accountId, async (s) => {
        return s.dataFields.list(accountId);
      });
      if (o.json) return console.log(JSON.stringify(list, null, 2));
      printTable(['NAME', 'TYPE', 'VISIBILITY', 'DEFAULT'], list.map((f) => [f.name, f.type, f.visibility, f.defaultValue]));
    });
}
