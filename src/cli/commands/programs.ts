import { Command } from 'commander';
import { allPages, intOption, printTable, withAccount } from '../context';

/** `programs add|list|status`: an account's automation programs, through ProgramService (only Active ones enrol). */
export function programCommands(program: Command): void {
  const programs = program.command('programs').description("manage an account's automation programs (what enrolments enrol into)");
  programs
    .command('add')
    .description('define a program; prints its id')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--name <name>', 'program name')
    .option('--status <status>', 'Draft, Active, Deactivated or ReadOnly', 'Draft')
    .option('--json', 'print the new program as JSON')
    .action(async (o: { account: string; name: string; status: string; json?: boolean }) => {
      const accountId = intOption(o.account, '--account')!;
      const p = await withAccount(accountId, async (s) => {
        return s.programs.create(accountId, { name: o.name, status: o.status });
      });
      console.log(o.json ? JSON.stringify(p, null, 2) : p.id);
    });
  programs
    .command('list')
    .description("list an account's programs")
    .requiredOption('--account <id>', 'account id')
    .option('--json', 'print JSON')
    .action(async (o: { account: string; json?: boolean }) => {
      const accountId = intOption(o.account, '--account')!;
      const list = await withAccount(accountId, async (s) => {
        return allPages(s, (q) => s.programs.list(accountId, q));
      });
      if (o.json) return console.log(JSON.stringify(list, null, 2));
      printTable(['ID', 'NAME', 'STATUS', 'CREATED'], list.map((p) => [p.id, p.name, p.status, new Date(p.createdAt).toISOString()]));
    });
  programs
    .command('status')
    .description("set a program's status (Active programs take enrolments)")
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--id <id>', 'program id')
    .requiredOption('--status <status>', 'Draft, Active, Deactivated or ReadOnly')
    .action(async (o: { account: string; id: string; status: string }) => {
      const accountId = intOption(o.account, '--account')!;
      const p = await withAccount(accountId, async (s) => {
        return s.programs.setStatus(accountId, o.id, o.status);
      });
      console.log(`${p.id} ${p.status}`);
    });
}
