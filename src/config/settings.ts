import cron from 'node-cron';
import pino from 'pino';
import { parseDuration } from '../lib/duration';

/** One unusable setting: the environment variable and what is wrong with its value. */
export interface ConfigProblem {
  setting: string;
  message: string;
}

/** Raised when settings are unusable; lists every bad setting by name (main logs it and exits 1). */
export class ConfigError extends Error {
  /** Every problem found (one, when thrown by hand with a message only). */
  readonly problems: ConfigProblem[];
  constructor(message: string, problems?: ConfigProblem[]) {
    super(message);
    this.name = 'ConfigError';
    this.problems = problems ?? [{ setting: /^[A-Z][A-Z0-9_]*/.exec(message)?.[0] ?? 'configuration', message }];
  }

  /** The names of the bad settings. */
  get settings(): string[] {
    return [...new Set(this.problems.map((p) => p.setting))];
  }
}

/** Log levels LOG_LEVEL accepts: pino's levels and `silent`. */
export const LOG_LEVELS: readonly string[] = [...Object.keys(pino.levels.values), 'silent'];

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/**
 * Reads typed settings from the environment and collects every problem instead of stopping at the first, so one
 * start-up names all bad settings at once. Each reader returns the default when its value is unusable; call done()
 * after reading to throw the collected problems. A new setting is one more line in loadConfig with the reader of
 * its type (or `custom` for a parser of its own).
 */
export class SettingsReader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** The raw value, or undefined when unset or empty. */
  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  /** Records a problem with a setting. */
  fail(setting: string, message: string): void {
    this.problems.push({ setting, message });
  }

  /** A free text setting. */
  text(name: string, dflt: string): string {
    return this.raw(name) ?? dflt;
  }

  /** An optional free text setting. */
  optionalText(name: string): string | undefined {
    return this.raw(name);
  }

  /** A whole number within [min, max] (default: 0 and up). */
  int(name: string, dflt: number, range: { min?: number; max?: number } = {}): number {
    const raw = this.raw(name);
    if (raw === undefined) return dflt;
    const n = Number(raw.trim());
    const min = range.min ?? 0;
    const max = range.max ?? Number.MAX_SAFE_INTEGER;
    if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      this.fail(name, `must be a whole number${range.max !== undefined ? ` from ${min} to ${max}` : ` of at least ${min}`}, got "${raw}"`);
      return dflt;
    }
    return n;
  }

  /** true/false (also 1/0, yes/no, on/off; any case). */
  bool(name: string, dflt: boolean): boolean {
    const raw = this.raw(name);
    if (raw === undefined) return dflt;
    const w = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(w)) return true;
    if (FALSE_WORDS.has(w)) return false;
    this.fail(name, `must be true or false, got "${raw}"`);
    return dflt;
  }

  /** A duration such as 30m, 5s, 250ms (a bare number is milliseconds); returns milliseconds. */
  duration(name: string, dflt: string): number {
    const raw = this.raw(name);
    try {
      return parseDuration(raw ?? dflt);
    } catch (e) {
      this.fail(name, `is ${(e as Error).message}`);
      return parseDuration(dflt);
    }
  }

  /** One of a fixed set of words (compared without case); returns the word as listed. */
  oneOf<T extends string>(name: string, words: readonly T[], dflt: T): T {
    const raw = this.raw(name);
    if (raw === undefined) return dflt;
    const hit = words.find((w) => w.toLowerCase() === raw.trim().toLowerCase());
    if (hit === undefined) {
      this.fail(name, `must be one of ${words.join(', ')}, got "${raw}"`);
      return dflt;
    }
    return hit;
  }

  /** A pino log level (or silent). */
  logLevel(name: string, dflt: string): string {
    return this.oneOf(name, LOG_LEVELS, dflt);
  }

  /** A node-cron expression (5 fields, or 6 with seconds first). */
  cron(name: string, dflt: string): string {
    const raw = this.raw(name);
    if (raw === undefined) return dflt;
    const check = cron.validateDetailed(raw);
    if (!check.valid) {
      const why = check.errors.map((e) => e.message).join('; ');
      this.fail(name, `is not a valid cron expression ("${raw}"${why ? `: ${why}` : ''}); e.g. "* * * * *" (every minute) or "*/10 * * * * *" (every 10 s)`);
      return dflt;
    }
    return raw;
  }

  /** A setting with a parser of its own: a ConfigError (or any Error) it throws is recorded under `name`. */
  custom<T>(name: string, parse: (raw: string | undefined) => T, dflt: T): T {
    try {
      return parse(this.raw(name));
    } catch (e) {
      if (e instanceof ConfigError) this.problems.push(...e.problems);
      else this.fail(name, (e as Error).message);
      return dflt;
    }
  }

  /** Records a rule between settings when it does not hold. */
  require(ok: boolean, setting: string, message: string): void {
    if (!ok) this.fail(setting, message);
  }

  /** Throws one ConfigError naming every problem found; returns when there were none. */
  done(): void {
    if (!this.problems.length) return;
    const text = this.problems.map((p) => (p.message.startsWith(p.setting) ? p.message : `${p.setting} ${p.message}`)).join('; ');
    throw new ConfigError(`invalid configuration: ${text}`, [...this.problems]);
  }
}
