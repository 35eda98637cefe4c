// OpenAPI `pattern` in Kubernetes is a Go RE2 regular expression, matched unanchored. This translates the RE2 syntax
// to a JavaScript RegExp with the `u` flag — Unicode code points as in Go — and rejects what RE2 rejects
// (backreferences, lookaround), so a CRD that kube-apiserver refuses is refused here too.
//
// The difference that remains: JavaScript's engine backtracks where RE2 is linear, so a pathological pattern can
// be slow. Patterns come from CRD authors (cluster administrators), not from the objects being validated.

// Unicode general categories, which JavaScript writes `\p{L}`; any other \p name is a script (`\p{Script=Greek}`).
const CATEGORIES = new Set(
  'C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' '),
);

// RE2's ASCII classes, for use inside a bracket expression.
const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

// Characters JavaScript accepts escaped with the `u` flag (SyntaxCharacter and `/`); other escaped punctuation,
// which RE2 allows, is written unescaped.
const JS_ESCAPABLE = new Set('^$\\.*+?()[]{}|/'.split(''));
const PUNCT = /[!-/:-@[-`{-~]/;

/** An RE2 syntax error, worded like Go's regexp/syntax ("error parsing regexp: …"). */
export class RegexError extends Error {}

const fail = (what: string, expr: string): never => {
  throw new RegexError(`error parsing regexp: ${what}: \`${expr}\``);
};

function propertyEscape(negated: boolean, name: string): string {
  const body = CATEGORIES.has(name) ? name : `Script=${name}`;
  return `\\${negated ? 'P' : 'p'}{${body}}`;
}

/** Translates one escape sequence starting at src[i] === '\\'; returns the JavaScript text and the next index. */
function translateEscape(src: string, i: number, inClass: boolean): [string, number] {
  const c = src[i + 1];
  if (c === undefined) fail('trailing backslash at end of expression', '');
  if (c === 'Q') {
    const end = src.indexOf('\\E', i + 2);
    const literal = src.slice(i + 2, end < 0 ? src.length : end);
    const escaped = [...literal].map((ch) => (JS_ESCAPABLE.has(ch) || (inClass && ch === '-') ? `\\${ch}` : ch));
    return [escaped.join(''), end < 0 ? src.length : end + 2];
  }
  if (c === 'p' || c === 'P') {
    if (src[i + 2] === '{') {
      const end = src.indexOf('}', i + 3);
      if (end < 0) fail('invalid character class range', src.slice(i));
      let name = src.slice(i + 3, end);
      let negated = c === 'P';
      if (name.startsWith('^')) {
        negated = !negated;
        name = name.slice(1);
      }
      return [propertyEscape(negated, name), end + 1];
    }
    return [propertyEscape(c === 'P', src[i + 2] ?? ''), i + 3];
  }
  if (c === 'z') return inClass ? fail('invalid escape sequence', '\\z') : ['$', i + 2];
  if (c === 'A') return inClass ? fail('invalid escape sequence', '\\A') : ['^', i + 2];
  if (c === 'a') return ['\\x07', i + 2];
  if (c === 'x' && src[i + 2] === '{') {
    const end = src.indexOf('}', i + 3);
    if (end < 0) fail('invalid escape sequence', src.slice(i));
    return [`\\u{${src.slice(i + 3, end)}}`, end + 1];
  }
  if (c >= '0' && c <= '7') {
    // RE2: a lone non-zero digit would be a backreference (unsupported); 0 or two-plus digits are octal.
    const m = /^[0-7]{1,3}/.exec(src.slice(i + 1)) as RegExpExecArray;
    if (c !== '0' && m[0].length === 1) fail('invalid escape sequence', `\\${c}`);
    return [`\\u{${parseInt(m[0], 8).toString(16)}}`, i + 1 + m[0].length];
  }
  if (c === '8' || c === '9') fail('invalid escape sequence', `\\${c}`);
  if (/[dDwWsSbBntrfv]/.test(c)) return [`\\${c}`, i + 2];
  if (c === 'x') return [src.slice(i, i + 4), i + 4];
  if (PUNCT.test(c)) return [JS_ESCAPABLE.has(c) || (inClass && c === '-') ? `\\${c}` : c, i + 2];
  return fail('invalid escape sequence', `\\${c}`);
}

/** RE2 source → [JavaScript source, flags]. */
function translate(pattern: string): [string, string] {
  let src = pattern;
  let flags = 'u';
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    if (lead[1].includes('U')) fail('invalid or unsupported Perl syntax', '(?U');
    flags += [...new Set(lead[1])].join('');
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      const [text, next] = translateEscape(src, i, inClass);
      out += text;
      i = next;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const end = src.indexOf(':]', i + 2);
        const name = end < 0 ? '' : src.slice(i + 2, end);
        if (name.startsWith('^')) fail('invalid or unsupported Perl syntax', `[:${name}:]`);
        if (!Object.hasOwn(POSIX, name)) fail('invalid character class range', `[:${name}:]`);
        out += POSIX[name];
        i = end + 2;
        continue;
      }
      if (c === ']') inClass = false;
      // A literal `[` inside a class is fine in RE2 but must be escaped under JavaScript's `u` flag.
      out += c === '[' ? '\\[' : c;
      i += 1;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      i += 1;
      // RE2 takes a `]` right after `[` or `[^` as a literal.
      if (src[i] === '^') {
        out += '^';
        i += 1;
      }
      if (src[i] === ']') {
        out += '\\]';
        i += 1;
      }
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i);
      const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      if (named) {
        out += `(?<${named[1]}>`;
        i += named[0].length;
        continue;
      }
      if (rest.startsWith('(?:')) {
        out += '(?:';
        i += 3;
        continue;
      }
      const look = /^\(\?(<?[=!])/.exec(rest);
      fail('invalid or unsupported Perl syntax', look ? `(?${look[1]}` : rest.slice(0, 3));
    }
    if (c === '{') {
      const rep = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
      if (rep) {
        if (Number(rep[1]) > 1000 || (rep[3] && Number(rep[3]) > 1000)) fail('invalid repeat count', rep[0]);
        out += rep[0];
        i += rep[0].length;
        continue;
      }
      // Not a repetition: RE2 reads it literally, JavaScript's `u` mode needs it escaped.
      out += '\\{';
      i += 1;
      continue;
    }
    if (c === '}') {
      out += '\\}';
      i += 1;
      continue;
    }
    out += c;
    i += 1;
  }
  if (inClass) fail('missing closing ]', pattern.slice(pattern.lastIndexOf('[')));
  return [out, flags];
}

// Compiled patterns by source. Patterns come from CRD schemas, a small and slowly changing set; the cap only keeps
// a pathological stream of distinct CRDs from growing the map forever.
const CACHE = new Map<string, RegExp | RegexError>();
const CACHE_LIMIT = 4096;

/** Compiles an RE2 pattern (memoised); throws {@link RegexError} for what Go's regexp.Compile rejects. */
export function compileRe2(pattern: string): RegExp {
  let hit = CACHE.get(pattern);
  if (!hit) {
    try {
      const [source, flags] = translate(pattern);
      hit = new RegExp(source, flags);
    } catch (err) {
      hit = err instanceof RegexError ? err : new RegexError(`error parsing regexp: ${(err as Error).message}`);
    }
    if (CACHE.size >= CACHE_LIMIT) CACHE.clear();
    CACHE.set(pattern, hit);
  }
  if (hit instanceof RegexError) throw hit;
  return hit;
}
