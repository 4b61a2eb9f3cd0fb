import pino from 'pino';

/** The structured JSON logger type used everywhere. */
export type Logger = pino.Logger;

/** Creates the JSON logger; credentials are redacted wherever they could appear. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'contactgate' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['password', '*.password', 'authorization', '*.authorization', 'req.headers.authorization', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** A logger that writes nothing (tests and tools). */
export const silentLogger: Logger = pino({ level: 'silent' });
