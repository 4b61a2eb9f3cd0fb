import type { Logger as CronLogger } from 'node-cron';
import { Logger } from '../lib/logger';

/**
 * node-cron's logger interface on top of ours. why: node-cron's default logger writes coloured `[NODE-CRON][WARN]`
 * text lines to the console (e.g. a missed tick while the event loop was busy), which broke the rule that stdout is
 * JSON log lines only.
 */
export function cronLogger(log: Logger): CronLogger {
  const child = log.child({ component: 'node-cron' });
  const split = (m: string | Error, err?: Error) => (m instanceof Error ? { err: m, msg: m.message } : { err, msg: m });
  return {
    info: (m) => child.info(m),
    warn: (m) => child.warn(m),
    error: (m, e) => {
      const { err, msg } = split(m, e);
      child.error(err ? { err } : {}, msg);
    },
    debug: (m, e) => {
      const { err, msg } = split(m, e);
      child.debug(err ? { err } : {}, msg);
    },
  };
}
