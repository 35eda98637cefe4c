import pino, { type Logger } from 'pino';
import { processGlobal } from './global.ts';

// Secrets never reach the log: these paths are censored wherever they appear.
const REDACT = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'headers.authorization',
  'headers.cookie',
];

export function getLogger(): Logger {
  return processGlobal('logger', () =>
    pino({
      level: process.env.LOG_LEVEL || 'info',
      base: { service: 'entroos' },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    }),
  );
}
