import { CronExpressionParser } from 'cron-parser';

// A CronJob's schedule: the standard five fields (minute hour day-of-month
// month day-of-week) or one of the macros Kubernetes accepts, read in the
// CronJob's time zone (UTC without one). Validation and the controller read
// schedules through here, so both accept exactly the same ones.

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export interface CronSchedule {
  /** The first scheduled time strictly after `after`. */
  next(after: Date): Date;
}

/** Why `timeZone` cannot be used, or undefined when it names a known IANA zone. */
export function timeZoneError(timeZone: string): string | undefined {
  if (timeZone === '') return 'timeZone must be nil or non-empty string';
  // "Local" would make the schedule depend on the server's own zone, which Kubernetes refuses too.
  if (timeZone === 'Local' || /[^A-Za-z0-9_+\-/]/.test(timeZone)) return `unknown time zone ${timeZone}`;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return undefined;
  } catch {
    return `unknown time zone ${timeZone}`;
  }
}

/** Parses a schedule; throws an Error whose message says what is wrong with it. */
export function parseCronSchedule(schedule: string, timeZone?: string): CronSchedule {
  const text = schedule.trim();
  const fields = MACROS[text.toLowerCase()] ?? text;
  if (text.startsWith('@') && !MACROS[text.toLowerCase()]) throw new Error(`unrecognized descriptor: ${text}`);
  const count = fields.split(/\s+/).filter(Boolean).length;
  if (count !== 5) throw new Error(`expected exactly 5 fields, found ${count}: ${JSON.stringify(text)}`);
  const tz = timeZone ?? 'UTC';
  // Parsed once here so a bad field is reported at validation, not at the first run.
  CronExpressionParser.parse(fields, { tz, currentDate: new Date(0) }).next();
  return {
    next: (after) => CronExpressionParser.parse(fields, { tz, currentDate: after }).next().toDate(),
  };
}
