// The simulated shell's grammar: a script is commands joined by `;`, `&&`, `||` (and newlines); a command is
// words with POSIX-style quoting ('…' literal, "…" with $ expansion, \ escapes) and $NAME, ${NAME}, $? expansion.
// Pipes, redirections, background jobs and command substitution are refused with a message rather than
// half-imitated: the shell is a simulation and says so.

export type Joiner = ';' | '&&' | '||';

/** One command of a script, still unexpanded (variables are read when it runs, after the ones before it). */
export interface Step {
  /** How this command is joined to the one before it (the first is `;`). */
  joiner: Joiner;
  source: string;
}

export class ShellSyntaxError extends Error {}

const UNSUPPORTED: Record<string, string> = {
  '|': 'pipes',
  '>': 'redirections',
  '<': 'redirections',
  '&': 'background jobs',
  '`': 'command substitution',
  '(': 'subshells',
};

function unsupported(token: string): ShellSyntaxError {
  const what = UNSUPPORTED[token[0]] ?? 'this syntax';
  return new ShellSyntaxError(`${what} (${token}) are not supported by this simulated shell`);
}

/** Splits a script into its commands, keeping quoted text intact. */
export function splitScript(script: string): Step[] {
  const steps: Step[] = [];
  let joiner: Joiner = ';';
  let current = '';
  let quote: "'" | '"' | null = null;
  const push = (next: Joiner) => {
    const source = current.trim();
    if (source) steps.push({ joiner, source });
    else if (next !== ';' || joiner !== ';')
      throw new ShellSyntaxError(`syntax error near unexpected token \`${next}'`);
    current = '';
    joiner = next;
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i];
    if (quote) {
      if (ch === '\\' && quote === '"' && i + 1 < script.length) {
        current += ch + script[++i];
        continue;
      }
      if (ch === quote) quote = null;
      current += ch;
      continue;
    }
    if (ch === '\\' && i + 1 < script.length) {
      current += ch + script[++i];
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
      continue;
    }
    if (ch === '#' && (current === '' || /\s$/.test(current))) {
      while (i + 1 < script.length && script[i + 1] !== '\n') i++;
      continue;
    }
    const two = script.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      push(two);
      i++;
      continue;
    }
    if (ch === ';' || ch === '\n') {
      push(';');
      continue;
    }
    if (ch in UNSUPPORTED || two === '$(') throw unsupported(two === '$(' ? '$(' : ch === '(' ? '(' : ch);
    current += ch;
  }
  if (quote) throw new ShellSyntaxError(`unterminated quoted string`);
  const rest = current.trim();
  if (rest) steps.push({ joiner, source: rest });
  else if (joiner !== ';') throw new ShellSyntaxError('syntax error: unexpected end of file');
  return steps;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** The words of one command, with variables expanded from `lookup` (unset ones expand to nothing). */
export function words(source: string, lookup: (name: string) => string | undefined): string[] {
  const out: string[] = [];
  let word = '';
  let started = false;
  let quote: "'" | '"' | null = null;
  const expand = (i: number): [string, number] => {
    const rest = source.slice(i + 1);
    if (rest[0] === '?' || rest[0] === '$' || rest[0] === '#') return [lookup(rest[0]) ?? '', i + 1];
    if (rest[0] === '{') {
      const end = rest.indexOf('}');
      if (end < 0) throw new ShellSyntaxError('bad substitution');
      const name = rest.slice(1, end);
      if (!NAME.test(name) && name !== '?') throw new ShellSyntaxError(`\${${name}}: bad substitution`);
      return [lookup(name) ?? '', i + 1 + end];
    }
    const name = NAME.exec(rest)?.[0];
    if (!name) return ['$', i];
    return [lookup(name) ?? '', i + name.length];
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < source.length && '$"\\`'.includes(source[i + 1])) word += source[++i];
      else if (ch === '$') {
        const [value, end] = expand(i);
        word += value;
        i = end;
      } else word += ch;
      continue;
    }
    if (/\s/.test(ch)) {
      if (started) out.push(word);
      word = '';
      started = false;
      continue;
    }
    started = true;
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '\\' && i + 1 < source.length) word += source[++i];
    else if (ch === '$') {
      const [value, end] = expand(i);
      word += value;
      i = end;
      // An unquoted variable that expands to nothing is no word at all (`echo $UNSET x` prints "x").
      if (!value && word === '' && (i + 1 >= source.length || /\s/.test(source[i + 1]))) started = false;
    } else word += ch;
  }
  if (quote) throw new ShellSyntaxError('unterminated quoted string');
  if (started) out.push(word);
  return out;
}
