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
  // A Secret's values, should an object or a request body ever be logged.
  'stringData',
  '*.stringData',
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
