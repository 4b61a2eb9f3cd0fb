import fs from 'node:fs';
import path from 'node:path';

// The shell examples of the Markdown docs, as a reader sees them.
//
// Convention (also stated in README.md, "Examples in the docs"):
// - a fenced block whose info string starts with `sh`, `bash`, `shell` or `console` is an example that runs;
// - `<!-- norun: <reason> -->` on the line(s) just before the fence (blank lines allowed) skips it, and the reason is
//   required (e.g. `apt-get install`, a reference listing with placeholders, a benchmark);
// - the blocks of one file run in order in one shell session, so variables carry over from block to block;
// - a fence with no info string right after a runnable block (only blank lines between) is that block's printed
//   output: the block must print it (times, guids and the port aside; see sameOutput).

/** One fenced shell block of a Markdown file. */
export interface DocBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The block's text (without the fences). */
  text: string;
  /** Why the block is not run (a `<!-- norun: ... -->` before it), or undefined when it runs. */
  skip?: string;
  /** The output printed right after the block (a fence without info string), if any. */
  expected?: string;
}

const SHELL = /^(sh|bash|shell|console)\b/;
const NORUN = /^<!--\s*norun\s*:?\s*(.*?)\s*-->$/;

/** The shell blocks of a Markdown text, in order. */
export function shellBlocks(file: string, markdown: string): DocBlock[] {
  const lines = markdown.split('\n');
  const out: DocBlock[] = [];
  let pendingSkip: string | undefined;
  let lastShellEnd = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const norun = NORUN.exec(line.trim());
    if (norun) {
      pendingSkip = norun[1] || '(no reason given)';
      continue;
    }
    const fence = /^(\s*)(`{3,}|~{3,})\s*(.*)$/.exec(line);
    if (!fence) {
      if (line.trim() !== '') pendingSkip = undefined;
      continue;
    }
    const [, , marks, info] = fence;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      if (lines[j].trim().startsWith(marks) && lines[j].trim().replace(/[`~]/g, '') === '') break;
      body.push(lines[j]);
    }
    if (SHELL.test(info.trim())) out.push({ file, line: i + 1, text: body.join('\n'), skip: pendingSkip });
    else if (info.trim() === '' && lastShellEnd >= 0 && lines.slice(lastShellEnd + 1, i).every((l) => l.trim() === '')) {
      out[out.length - 1].expected = body.join('\n');
    }
    // why: only a fence right after a shell block's closing fence is its output
    lastShellEnd = SHELL.test(info.trim()) ? j : -1;
    pendingSkip = undefined;
    i = j;
  }
  return out;
}

/** README.md and docs/*.md (sorted) under root, with their shell blocks. */
export function docFiles(root: string): Array<{ file: string; blocks: DocBlock[] }> {
  const docs = fs.existsSync(path.join(root, 'docs'))
    ? fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)
    : [];
  return ['README.md', ...docs].map((file) => ({ file, blocks: shellBlocks(file, fs.readFileSync(path.join(root, file), 'utf8')) }));
}

/**
 * One bash script running the runnable blocks of a file in order (`set -e`: a failing command ends it), with
 * `localhost:8080` rewritten to the given port and a marker line before and after every block.
 */
export function scriptOf(blocks: DocBlock[], port: number): string {
  const parts = ['set -e'];
  blocks.forEach((b, n) => {
    if (b.skip) return;
    parts.push(`printf '\\n@@block ${n} start\\n'`, b.text.replace(/localhost:8080\b/g, `localhost:${port}`), `printf '\\n@@block ${n} ok\\n'`);
  });
  return parts.join('\n') + '\n';
}

/** The output each block printed, by block index, read from the script's markers (a block without its end marker failed). */
export function blockOutputs(stdout: string): Map<number, { text: string; ok: boolean }> {
  const out = new Map<number, { text: string; ok: boolean }>();
  const re = /\n@@block (\d+) (start|ok)\n/g;
  let current: number | undefined;
  let from = 0;
  for (let m = re.exec(stdout); m; m = re.exec(stdout)) {
    const n = Number(m[1]);
    if (m[2] === 'start') {
      current = n;
      from = re.lastIndex;
      out.set(n, { text: '', ok: false });
    } else if (current === n) {
      out.set(n, { text: stdout.slice(from, m.index), ok: true });
      current = undefined;
    }
  }
  if (current !== undefined) out.set(current, { text: stdout.slice(from), ok: false });
  return out;
}

/** Output text with what differs from run to run made alike: times, guids, the port, blank lines, trailing spaces. */
export function normalisedOutput(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<guid>')
    .replace(/localhost:\d+/g, 'localhost:8080')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '')
    .join('\n');
}
