import { describe, expect, it } from 'vitest';
import {
  downloadName,
  downloadText,
  firstMatches,
  highlightSegments,
  lineText,
  mergeByTime,
  parseLogChunk,
  searchMatcher,
} from '../../lib/client/log-view.ts';

describe('log view', () => {
  it('splits chunks into whole lines and keeps the unfinished tail', () => {
    const a = parseLogChunk('', '2026-12-03T05:00:00.000Z first\n2026-12-03T05:00:01.000Z sec', 'app');
    expect(a.entries).toEqual([{ at: '2026-12-03T05:00:00.000Z', text: 'first', container: 'app' }]);
    expect(a.rest).toBe('2026-12-03T05:00:01.000Z sec');
    const b = parseLogChunk(a.rest, 'ond\nno stamp here\n', 'app');
    expect(b.entries).toEqual([
      { at: '2026-12-03T05:00:01.000Z', text: 'second', container: 'app' },
      { at: '', text: 'no stamp here', container: 'app' },
    ]);
    expect(b.rest).toBe('');
  });

  it('merges containers in time order, ties in container order', () => {
    const x = (at: string, c: string) => ({ at, text: c + at, container: c });
    const merged = mergeByTime([
      [x('2026-01-01T00:00:01Z', 'a'), x('2026-01-01T00:00:03Z', 'a')],
      [x('2026-01-01T00:00:01Z', 'b'), x('2026-01-01T00:00:02Z', 'b')],
    ]);
    expect(merged.map((e) => e.text)).toEqual([
      'a2026-01-01T00:00:01Z',
      'b2026-01-01T00:00:01Z',
      'b2026-01-01T00:00:02Z',
      'a2026-01-01T00:00:03Z',
    ]);
  });

  it('searches plain text with smart case, and regular expressions', () => {
    const lower = searchMatcher('get');
    if (!lower || !('match' in lower)) throw new Error('expected a matcher');
    expect(lower.match('GET /a then get /b')).toEqual([
      [0, 3],
      [12, 15],
    ]);
    const upper = searchMatcher('GET');
    if (!upper || !('match' in upper)) throw new Error('expected a matcher');
    expect(upper.match('GET /a then get /b')).toEqual([[0, 3]]);
    const dots = searchMatcher('a.b');
    if (!dots || !('match' in dots)) throw new Error('expected a matcher');
    expect(dots.match('axb a.b')).toEqual([[4, 7]]);
    const re = searchMatcher('/status":[45]\\d\\d/');
    if (!re || !('match' in re)) throw new Error('expected a matcher');
    expect(re.match('{"status":404} {"status":200} {"status":500}')).toEqual([
      [2, 13],
      [32, 43],
    ]);
    expect(searchMatcher('/(/')).toMatchObject({ error: expect.stringMatching(/^Not a valid regular expression/) });
    expect(searchMatcher('')).toBeUndefined();
    const empty = searchMatcher('/x*/');
    if (!empty || !('match' in empty)) throw new Error('expected a matcher');
    expect(empty.match('axxb')).toEqual([[1, 3]]);
  });

  it('cuts a line into plain pieces and numbered matches', () => {
    expect(
      highlightSegments('abcabc', [
        [0, 1],
        [1, 2],
        [4, 5],
      ]),
    ).toEqual([
      { text: 'a', match: 0 },
      { text: 'b', match: 1 },
      { text: 'ca' },
      { text: 'b', match: 2 },
      { text: 'c' },
    ]);
    expect(highlightSegments('', [])).toEqual([{ text: '' }]);
  });

  it("numbers each line's first match across lines", () => {
    expect(firstMatches([2, 0, 1, 3])).toEqual({ firsts: [0, 2, 2, 3], matches: 6 });
  });

  it('formats lines and downloads with the chosen timestamps and container prefixes', () => {
    const e = { at: '2026-12-03T05:00:00.000Z', text: 'hello', container: 'web' };
    expect(lineText(e, { timestamps: false, containerPrefix: false })).toBe('hello');
    expect(lineText(e, { timestamps: true, containerPrefix: true })).toBe('2026-12-03T05:00:00.000Z [web] hello');
    expect(downloadText([e, { ...e, at: '' }], { timestamps: true, containerPrefix: false })).toBe(
      '2026-12-03T05:00:00.000Z hello\nhello\n',
    );
    expect(downloadName('web-7f9c', 'app')).toBe('web-7f9c-app.log');
    expect(downloadName('a/b c', undefined)).toBe('a_b_c.log');
  });
});
