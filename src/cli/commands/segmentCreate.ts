import fs from 'node:fs';
import { Command } from 'commander';
import { DomainError } from '../../domain/errors';
import { intOption, withAccount } from '../context';

/** Reads the rule tree from --rules (inline JSON) or --rules-file (a JSON file; `-` is standard input). */
function readRules(o: { rules?: string; rulesFile?: string }): unknown {
  if ((o.rules === undefined) === (o.rulesFile === undefined)) {
    throw new DomainError('PARAMETER_INVALID', 'Give the rules with exactly one of --rules <json> or --rules-file <file>.');
  }
  let text = o.rules;
  if (o.rulesFile !== undefined) {
    const file = o.rulesFile === '-' ? 0 : o.rulesFile;
    if (file !== 0 && !fs.existsSync(file)) throw new DomainError('PARAMETER_INVALID', `No such rules file: ${o.rulesFile}.`, 'notFound');
    text = fs.readFileSync(file, 'utf8');
  }
  try {
    return JSON.parse(text!);
  } catch (e) {
    throw new DomainError('SEGMENT_INVALID', `The rules are not valid JSON (${(e as Error).message}).`);
  }
}

/** `segments create`: defines a segment through SegmentService (its first full refresh is queued with it). */
export function segmentCreateCommand(segments: Command): void {
  segments
    .command('create')
    .description('define a segment from rules (JSON: {"all"|"any": [conditions]}, see docs/segments.md); prints its id')
    .requiredOption('--account <id>', 'account id')
    .requiredOption('--name <name>', 'segment name (unique in the account)')
    .option('--rules <json>', 'the rules inline, e.g. \'{"all":[{"dataField":"COLOUR","op":"equals","value":"Blue"}]}\'')
    .option('--rules-file <file>', 'a JSON file with the rules (- reads standard input)')
    .option('--json', 'print the new segment as JSON')
    .action(async (o: { account: string; name: string; rules?: string; rulesFile?: string; json?: boolean }) => {
      const accountId = intOption(o.account, '--account')!;
      const rules = readRules(o);
      const seg = await withAccount(accountId, async (s) => {
        return s.segments.create(accountId, { name: o.name, rules });
      });
      console.log(o.json ? JSON.stringify(seg, null, 2) : seg.id);
    });
}
