// Structured JSON logs (pino). Request logs carry the admission uid; objects and their values are
// never logged, so a literal credential in a user's pod spec cannot reach the log.
import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger } from 'pino';

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { service: 'kfstore-webhook' }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination === undefined ? pino(options) : pino(options, destination);
}
