// Structured JSON logs (pino). Request logs carry the admission uid; objects and their values are
// never logged, so a literal credential in a user's pod spec cannot reach the log.
import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * To stdout asynchronously by default: lines written while a write is pending are joined into the
 * next one, so a burst of admissions costs a few syscalls, not one each. Call `flushLogs` before
 * exiting.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { service: 'kfstore-webhook' }, timestamp: pino.stdTimeFunctions.isoTime };
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}

/** Writes out what the asynchronous destination still holds. */
export function flushLogs(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
