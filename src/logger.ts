import { type Logger, pino } from 'pino';

export type { Logger };

/** Paths that may carry secrets; pino replaces them before anything is written. */
const REDACT = [
  'appSecret',
  '*.appSecret',
  'token',
  '*.token',
  'encryptKey',
  '*.encryptKey',
  'verificationToken',
  '*.verificationToken',
  'mongodbUri',
  '*.mongodbUri',
  'headers.authorization',
  '*.headers.authorization',
];

/**
 * Structured JSON logs to a file path or a file descriptor (default stdout). The console channel
 * sends them to a file so they do not mix with the chat; the CLI sends them to stderr. File writes
 * are synchronous: the console is a one-person channel, and an asynchronous file lost the last
 * lines ("stopped") when the process exited under load.
 */
export function createLogger(level: string, destination: string | number = 1): Logger {
  const dest =
    typeof destination === 'string'
      ? pino.destination({ dest: destination, mkdir: true, sync: true })
      : pino.destination(destination);
  return pino({ level, redact: { paths: REDACT, censor: '[secret]' }, base: { app: 'guard-desk-bot' } }, dest);
}

/** Masks the password of a MongoDB URI for the start-up line. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}
