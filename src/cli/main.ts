#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { accountCommands } from './commands/accounts';
import { dbCommands } from './commands/db';
import { segmentCommands } from './commands/segments';
import { importCommands } from './commands/import';
import { addressBookCommands } from './commands/addressBooks';
import { dataFieldCommands } from './commands/dataFields';
import { importListCommands } from './commands/imports';
import { doctorCommand } from './commands/doctor';
import { campaignCommands } from './commands/campaigns';
import { fromAddressCommands } from './commands/fromAddresses';
import { outboxCommands } from './commands/outbox';
import { programCommands } from './commands/programs';
import { EXIT, reportError } from './context';

/** Builds the command-line program (one entry point; `--help` on every command). */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('contactgate')
    .description('contactgate command line: accounts, API users, address books, data fields, imports, segments, campaigns, database, doctor')
    .showHelpAfterError()
    .exitOverride();
  accountCommands(program);
  dbCommands(program);
  segmentCommands(program);
  importCommands(program);
  addressBookCommands(program);
  dataFieldCommands(program);
  importListCommands(program);
  doctorCommand(program);
  campaignCommands(program);
  fromAddressCommands(program);
  outboxCommands(program);
  programCommands(program);
  return program;
}

async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return reportError(e);
  }
}

if (require.main === module) {
  run(process.argv).then((code) => process.exit(code));
}
