// The string formats kube-apiserver checks in custom resources. apiextensions strips every other format before
// validating (StripUnsupportedFormatsPostProcess), which is why int32, int64, float and double are NOT range-checked
// for custom resources: Kubernetes does not check them either. Names are normalised the way go-openapi does
// (dashes removed), so `date-time` and `datetime` are the same format.

import { isIP } from 'node:net';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const UUID4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const UUID5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
// strfmt's hostname pattern (RFC 1034 labels, Unicode letters and symbols allowed).
const HOST_CHAR = '[a-zA-Z0-9\\p{S}\\p{L}]';
const HOSTNAME = new RegExp(
  `^(${HOST_CHAR}((-?${HOST_CHAR}{0,62})?)|(${HOST_CHAR}(([a-zA-Z0-9-\\p{S}\\p{L}]{0,61}${HOST_CHAR})?)(\\.)){1,}` +
    '([a-zA-Z\\p{L}]){2,63})$',
  'u',
);
const EMAIL = /^(?:[^<>@\s]+\s*<)?[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+>?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEXCOLOR = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const BYTE_RGB = '\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*';
const RGBCOLOR = new RegExp(`^rgb\\(${BYTE_RGB},${BYTE_RGB},${BYTE_RGB}\\)$`);
const SSN = /^\d{3}[- ]?\d{2}[- ]?\d{4}$/;
const BSON = /^[0-9a-fA-F]{24}$/;
const CREDITCARD = new RegExp(
  [
    '^(?:4[0-9]{12}(?:[0-9]{3})?',
    '5[1-5][0-9]{14}',
    '(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}',
    '6(?:011|5[0-9][0-9])[0-9]{12}',
    '3[47][0-9]{13}',
    '3(?:0[0-5]|[68][0-9])[0-9]{11}',
    '(?:2131|1800|35\\d{3})\\d{11}',
    '6[27][0-9]{14})$',
  ].join('|'),
);
// Go net.ParseMAC: 6, 8 or 20 octets, colon- or dash-separated pairs, or dot-separated groups of four.
const MAC = new RegExp(
  `^(?:${[5, 7, 19].map((n) => `[0-9a-f]{2}(?:[:-][0-9a-f]{2}){${n}}`).join('|')}|` +
    `${[2, 3, 9].map((n) => `[0-9a-f]{4}(?:\\.[0-9a-f]{4}){${n}}`).join('|')})$`,
  'i',
);
// Go time.ParseDuration, or strfmt's "<n> <unit>" form ("3 days").
const GO_DURATION = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const WORD_DURATION = new RegExp(
  '^\\d+\\s*(?:ns|nanoseconds?|us|µs|microseconds?|ms|milliseconds?|s|sec|seconds?|m|min|minutes?' +
    '|h|hr|hours?|d|days?|w|wk|weeks?)$',
  'i',
);
// strfmt's date-time time part (after the `t`), lower-cased: hh:mm:ss[.frac](z|±hh:mm).
const TIME_PART = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(z|[+-][0-9]{2}:[0-9]{2})$/;

/** strfmt IsDate: a real calendar date in RFC 3339 full-date form. */
function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** strfmt IsDateTime: split at the (case-insensitive) `t`, a valid date, then hh ≤ 23, mm ≤ 59, ss ≤ 59. */
function isDateTime(s: string): boolean {
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0])) return false;
  const m = TIME_PART.exec(parts[1]);
  return !!m && m[1] <= '23' && m[2] <= '59' && m[3] <= '59';
}

/** Go url.ParseRequestURI: an absolute URI, or an absolute path. */
function isRequestUri(s: string): boolean {
  if (s.startsWith('/')) return !/\s/.test(s);
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s)) return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

function isCidr(s: string): boolean {
  const m = /^(.+)\/(\d{1,3})$/.exec(s);
  if (!m) return false;
  const family = isIP(m[1]);
  return family !== 0 && Number(m[2]) <= (family === 4 ? 32 : 128);
}

function isbn10(s: string): boolean {
  const d = s.replace(/[\s-]/g, '');
  if (!/^\d{9}[\dX]$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (i + 1) * (d[i] === 'X' ? 10 : Number(d[i]));
  return sum % 11 === 0;
}

function isbn13(s: string): boolean {
  const d = s.replace(/[\s-]/g, '');
  if (!/^\d{13}$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(d[i]) * (i % 2 ? 3 : 1);
  return (10 - (sum % 10)) % 10 === Number(d[12]);
}

/** govalidator IsCreditCard: non-digits dropped, a known issuer prefix and length, and the Luhn checksum. */
function isCreditCard(s: string): boolean {
  const d = s.replace(/[^0-9]/g, '');
  if (!CREDITCARD.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let n = Number(d[d.length - 1 - i]);
    if (i % 2) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

const CHECKS: Record<string, (s: string) => boolean> = {
  bsonobjectid: (s) => BSON.test(s),
  uri: isRequestUri,
  email: (s) => EMAIL.test(s),
  hostname: (s) => s.length <= 255 && HOSTNAME.test(s),
  ipv4: (s) => isIP(s) === 4,
  ipv6: (s) => isIP(s) === 6,
  cidr: isCidr,
  mac: (s) => MAC.test(s),
  uuid: (s) => UUID.test(s),
  uuid3: (s) => UUID3.test(s),
  uuid4: (s) => UUID4.test(s),
  uuid5: (s) => UUID5.test(s),
  isbn: (s) => isbn10(s) || isbn13(s),
  isbn10,
  isbn13,
  creditcard: isCreditCard,
  ssn: (s) => SSN.test(s),
  hexcolor: (s) => HEXCOLOR.test(s),
  rgbcolor: (s) => RGBCOLOR.test(s),
  byte: (s) => BASE64.test(s),
  password: () => true,
  date: isDate,
  duration: (s) => s === '0' || GO_DURATION.test(s) || WORD_DURATION.test(s),
  datetime: isDateTime,
};

/** The checker of a format kube-apiserver validates, or undefined for a format it ignores (int32, float, …). */
export function formatChecker(format: string | undefined): ((s: string) => boolean) | undefined {
  if (!format) return undefined;
  const name = format.replaceAll('-', '');
  return Object.hasOwn(CHECKS, name) ? CHECKS[name] : undefined;
}
