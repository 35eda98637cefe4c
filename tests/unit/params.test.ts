import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isApiError } from '../../lib/apimachinery/errors.ts';
import { boolParam, boolParamOr, parseGoBool } from '../../lib/apimachinery/params.ts';
import { MIN_REQUEST_TIMEOUT_SECONDS, watchTimeoutSeconds } from '../../lib/apiserver/http/watch.ts';

// Go's strconv.ParseBool, exactly: https://pkg.go.dev/strconv#ParseBool
const TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

const params = (query: string) => new URLSearchParams(query);

function thrown(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('parseGoBool', () => {
  it.each(TRUE)('reads %j as true', (value) => expect(parseGoBool(value)).toBe(true));
  it.each(FALSE)('reads %j as false', (value) => expect(parseGoBool(value)).toBe(false));
  it.each([
    '',
    'yes',
    'no',
    'on',
    'off',
    'tRUE',
    'FaLsE',
    ' true',
    'true ',
    '2',
    '-1',
    '01',
    'y',
    'n',
    'null',
    '"true"',
  ])('refuses %j', (value) => expect(parseGoBool(value)).toBeUndefined());
  it('accepts nothing but the twelve forms', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const parsed = parseGoBool(value);
        if (TRUE.includes(value)) return parsed === true;
        if (FALSE.includes(value)) return parsed === false;
        return parsed === undefined;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('boolParam', () => {
  it('is undefined when the parameter is absent', () => {
    expect(boolParam(params('other=1'), 'watch')).toBeUndefined();
    expect(boolParamOr(params(''), 'watch', true)).toBe(true);
  });
  it.each([...TRUE.map((v) => [v, true] as const), ...FALSE.map((v) => [v, false] as const)])(
    'reads watch=%s as %s',
    (value, expected) => {
      expect(boolParam(params(`watch=${encodeURIComponent(value)}`), 'watch')).toBe(expected);
      expect(boolParamOr(params(`watch=${encodeURIComponent(value)}`), 'watch', !expected)).toBe(expected);
    },
  );
  it('reads the first of repeated values, like Go', () => {
    expect(boolParam(params('watch=True&watch=nope'), 'watch')).toBe(true);
  });
  it.each(['', 'yes', 'on', 'TRUE!', 'tRuE', '%20true'])(
    'answers watch=%s with 400 naming parameter and value',
    (value) => {
      const err = thrown(() => boolParam(params(`watch=${value}`), 'watch'));
      expect(isApiError(err)).toBe(true);
      if (!isApiError(err)) return;
      expect(err.code).toBe(400);
      expect(err.reason).toBe('BadRequest');
      const raw = new URLSearchParams(`v=${value}`).get('v');
      expect(err.message).toContain('"watch"');
      expect(err.message).toContain(JSON.stringify(raw));
      expect(err.details?.causes?.[0]).toMatchObject({ field: 'watch', reason: 'FieldValueInvalid' });
    },
  );
});

describe('watchTimeoutSeconds', () => {
  it('uses timeoutSeconds when given', () => {
    expect(watchTimeoutSeconds(params('timeoutSeconds=1'))).toBe(1);
    expect(watchTimeoutSeconds(params('timeoutSeconds=86400'))).toBe(86400);
  });
  it('ignores the timeout parameter (the client enforces it)', () => {
    const seconds = watchTimeoutSeconds(params('timeout=1s'), () => 0);
    expect(seconds).toBe(MIN_REQUEST_TIMEOUT_SECONDS);
  });
  it('without timeoutSeconds (or with 0) closes after 1800–3600 s, at random', () => {
    expect(MIN_REQUEST_TIMEOUT_SECONDS).toBe(1800);
    expect(watchTimeoutSeconds(params(''), () => 0)).toBe(1800);
    expect(watchTimeoutSeconds(params('timeoutSeconds=0'), () => 0.5)).toBe(2700);
    expect(watchTimeoutSeconds(params(''), () => 1 - 2 ** -53)).toBe(3599);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (r) => {
        const s = watchTimeoutSeconds(params(''), () => r);
        return s >= 1800 && s < 3600;
      }),
    );
  });
  it.each(['-1', '1.5', 'abc', '1e3', '0x10'])('refuses timeoutSeconds=%s with 400', (value) => {
    const err = thrown(() => watchTimeoutSeconds(params(`timeoutSeconds=${value}`)));
    expect(isApiError(err) && err.code).toBe(400);
  });
});
