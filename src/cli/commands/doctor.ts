import { Command } from 'commander';
import type { CheckResult } from '../doctor';

const MARK: Record<CheckResult['status'], string> = { ok: '[ok]  ', warn: '[warn]', fail: '[FAIL]', skip: '[skip]' };

/** Prints the checks the way operators read them: one line each, the fix indented under any that is not ok. */
function print(results: CheckResult[]): void {
  const width = Math.max(...results.map((r) => r.name.length));
  for (const r of results) {
    console.log(`${MARK[r.status]} ${r.name.padEnd(width)}  ${r.detail}`);
    if (r.fix) console.log(`       ${' '.repeat(width)}  fix: ${r.fix}`);
  }
  const failed = results.filter((r) => r.status === 'fail').length;
  const warned = results.filter((r) => r.status === 'warn').length;
  console.log(failed || warned ? `${failed} check(s) failed, ${warned} warning(s)` : 'no issues found');
}

/** `doctor`: checks configuration, database, migrations, LOAD DATA LOCAL INFILE and the clock; exit 1 when one fails. */
export function doctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check configuration, database, migrations, LOAD DATA LOCAL INFILE and clock skew, and say what to fix (exit 1 when a check fails)')
    .option('--json', 'print the checks as JSON')
    .option('--strict', 'exit 1 on warnings too')
    .action(async (o: { json?: boolean; strict?: boolean }) => {
      const [{ runDoctor }, { systemClock }] = await Promise.all([import('../doctor'), import('../../lib/clock')]);
      const results = await runDoctor(process.env, systemClock);
      if (o.json) console.log(JSON.stringify(results, null, 2));
      else print(results);
      const bad = results.some((r) => r.status === 'fail' || (o.strict && r.status === 'warn'));
      if (bad) process.exitCode = 1;
    });
}
