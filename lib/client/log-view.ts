// The log viewer's pure half: the server's lines (always asked for with timestamps, so containers can be merged in
// time order and the timestamp toggle needs no new request), search with the ranges to highlight, and the text a
// download saves.

export interface LogEntry {
  /** RFC 3339 time as the server wrote it ('' when a line had none). */
  at: string;
  text: string;
  container: string;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (.*)$/;

/** Splits a streamed chunk into whole lines; `rest` is the unfinished tail to prepend to the next chunk. */
export function parseLogChunk(
  pending: string,
  chunk: string,
  container: string,
): { entries: LogEntry[]; rest: string } {
  const text = pending + chunk;
  const lines = text.split('\n');
  const rest = lines.pop() ?? '';
  return { entries: lines.map((line) => toEntry(line, container)), rest };
}

function toEntry(line: string, container: string): LogEntry {
  const m = STAMP.exec(line);
  return m ? { at: m[1], text: m[2], container } : { at: '', text: line, container };
}

/** One list in time order from several containers' lists (each already in order); ties keep container order. */
export function mergeByTime(lists: readonly (readonly LogEntry[])[]): LogEntry[] {
  if (lists.length === 1) return [...lists[0]];
  const keyed = lists.flatMap((list, i) => list.map((e, j) => ({ e, t: Date.parse(e.at), i, j })));
  keyed.sort((a, b) => (a.t || 0) - (b.t || 0) || a.i - b.i || a.j - b.j);
  return keyed.map((k) => k.e);
}

export type Matcher = (text: string) => [number, number][];

/**
 * A search: plain text, case-insensitive unless the query has a capital (as in editors' smart case); `/…/` is a
 * regular expression. Returns the ranges each line matches, or the reason a regular expression is invalid.
 */
export function searchMatcher(query: string): { match: Matcher } | { error: string } | undefined {
  if (!query) return undefined;
  const smart = query === query.toLowerCase() ? 'i' : '';
  let re: RegExp;
  const regex = /^\/(.+)\/([imsu]*)$/.exec(query);
  try {
    re = regex
      ? new RegExp(regex[1], `g${regex[2].replace('g', '')}`)
      : new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), `g${smart}`);
  } catch (err) {
    return { error: `Not a valid regular expression: ${(err as Error).message}` };
  }
  return {
    match: (text) => {
      const out: [number, number][] = [];
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        if (m[0] === '') {
          re.lastIndex++;
          continue;
        }
        out.push([m.index, m.index + m[0].length]);
      }
      return out;
    },
  };
}

/** A line cut into plain pieces and matches (numbered from 0 within the line), for <mark>. */
export function highlightSegments(
  text: string,
  ranges: readonly [number, number][],
): { text: string; match?: number }[] {
  const out: { text: string; match?: number }[] = [];
  let at = 0;
  ranges.forEach(([start, end], match) => {
    if (start > at) out.push({ text: text.slice(at, start) });
    out.push({ text: text.slice(start, end), match });
    at = end;
  });
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at) });
  return out;
}

/** The text of a line as shown and as downloaded. */
export function lineText(e: LogEntry, o: { timestamps: boolean; containerPrefix: boolean }): string {
  return `${o.timestamps && e.at ? `${e.at} ` : ''}${o.containerPrefix ? `[${e.container}] ` : ''}${e.text}`;
}

export function downloadText(entries: readonly LogEntry[], o: { timestamps: boolean; containerPrefix: boolean }) {
  return entries.map((e) => `${lineText(e, o)}\n`).join('');
}

/** `pod-container.log`, or `pod.log` for all containers; safe as a file name. */
export function downloadName(pod: string, container: string | undefined): string {
  return `${[pod, container]
    .filter(Boolean)
    .join('-')
    .replace(/[^\w.-]+/g, '_')}.log`;
}

/** Given each line's match count, the number of each line's first match and the total. */
export function firstMatches(counts: readonly number[]): { firsts: number[]; matches: number } {
  const firsts: number[] = [];
  let matches = 0;
  for (const c of counts) {
    firsts.push(matches);
    matches += c;
  }
  return { firsts, matches };
}
