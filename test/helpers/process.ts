import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** A gateway running as a real child process. */
export interface GatewayProcess {
  child: ChildProcess;
  baseUrl: string;
  /** stdout and stderr as they arrived. */
  output(): string;
  /** stdout only. */
  stdout(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

const ROOT = path.resolve(__dirname, '..', '..');

/** The JSON log records in a process's stdout text (lines that are not JSON are skipped). */
export function logRecords(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    try {
      const v = JSON.parse(line);
      if (v && typeof v === 'object') out.push(v);
    } catch {
      // not a log line
    }
  }
  return out;
}

/** The URL of the gateway's "listening" start-up record in its stdout text, if it has been written. */
export function listeningUrl(stdout: string): string | undefined {
  const rec = logRecords(stdout).find((r) => r.msg === 'listening');
  return rec ? String(rec.url).replace('localhost', '127.0.0.1') : undefined;
}

/**
 * Starts `src/main.ts` in a child process (extra node flags, extra environment) and waits for its "listening" record (written at
 * level info: a LOG_LEVEL above info in `env` would hide it).
 */
export async function startGateway(env: Record<string, string>, timeoutMs = 30_000, nodeArgs: string[] = []): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stdout = '';
  let started = false;
  const exited = new Promise<number | string>((res) => child.on('exit', (code, sig) => res(code ?? sig ?? -1)));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    // why: a gateway that never said it listens must not live on: it would run jobs on the test database for the
    // rest of the run (its caller never got a handle to stop it).
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway did not start in time:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      stdout += d.toString();
      const url = started ? undefined : listeningUrl(stdout);
      if (url) {
        started = true;
        clearTimeout(timer);
        resolve(url);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${code}) before listening:\n${out}`));
    });
  });
  return { child, baseUrl, output: () => out, stdout: () => stdout, exited };
}

/** Parent pid and state of a process from /proc (Linux), or undefined when it is gone. */
function procStat(pid: number): { ppid: number; state: string } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // why: the command name (field 2) is in parentheses and may hold spaces; the fields after its ')' are fixed.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0], ppid: Number(rest[1]) };
  } catch {
    return undefined;
  }
}

/** Every live descendant of pid (children, grandchildren, ...), read from /proc. */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = procStat(Number(name));
    if (st && st.state !== 'Z') parents.set(Number(name), st.ppid);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parents) {
      if (parent === p) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return out;
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const st = procStat(pid);
  return st !== undefined && st.state !== 'Z';
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((res, rej) => srv.once('error', rej).listen(0, '127.0.0.1', () => res()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((res) => srv.close(res));
  return port;
}

/** True when nothing listens on the port any more (a server can bind it). */
export async function portIsFree(port: number): Promise<boolean> {
  const srv = net.createServer();
  const ok = await new Promise<boolean>((res) => srv.once('error', () => res(false)).listen(port, '127.0.0.1', () => res(true)));
  if (ok) await new Promise((res) => srv.close(res));
  return ok;
}

/** The V8 memory flags (`--max-old-space-size=...`, `--max-semi-space-size=...`) that `npm start` runs the gateway with. */
export function startMemoryFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  return pkg.scripts.start.split(/\s+/).filter((a) => /^--max-(old|semi)-space-size=\d+$/.test(a));
}
