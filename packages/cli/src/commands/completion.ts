import type { Command } from 'commander';
import { BUILTIN_RESOURCES } from '@entroos/client';
import { UsageError } from '../errors.js';
import { allCommands, VERSION, type Invocation } from '../main.js';

// Completion scripts and the man page, both generated from the command definitions in main.ts.

const path = (c: Command): string[] => (c.parent ? [...path(c.parent), c.name()] : []);
const flags = (c: Command) => c.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
const RESOURCE_WORDS = [...new Set(BUILTIN_RESOURCES.flatMap((r) => [r.plural, ...r.shortNames]))].sort();
const TAKES_TYPE = ['get', 'describe', 'delete', 'edit', 'scale'];

function bash(program: Command): string {
  const cases = allCommands(program).map((c) => {
    const key = path(c).join(' ');
    const words = [...c.commands.map((s) => s.name()), ...flags(c), ...flags(program)];
    return `    "${key}") words="${words.join(' ')}" ;;`;
  });
  return `# entroos bash completion (entroos completion bash); load with: source <(entroos completion bash)
_entroos() {
  local cur key words i w
  cur="\${COMP_WORDS[COMP_CWORD]}"
  key=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    case "$key" in
${allCommands(program)
  .filter((c) => c.commands.length)
  .map(
    (c) =>
      `      "${path(c).join(' ')}") case "$w" in ${c.commands.map((s) => s.name()).join('|')}) key="\${key:+$key }$w" ;; esac ;;`,
  )
  .join('\n')}
    esac
  done
  case "$key" in
${cases.join('\n')}
  esac
  case "$key" in
    ${TAKES_TYPE.join('|')}) words="$words ${RESOURCE_WORDS.join(' ')}" ;;
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
complete -F _entroos entroos
`;
}

function zsh(program: Command): string {
  return `#compdef entroos
# entroos zsh completion (entroos completion zsh > "\${fpath[1]}/_entroos")
autoload -U +X bashcompinit && bashcompinit
${bash(program)}`;
}

function fish(program: Command): string {
  const lines = [
    '# entroos fish completion (entroos completion fish > ~/.config/fish/completions/entroos.fish)',
    'complete -c entroos -f',
  ];
  for (const c of allCommands(program)) {
    const p = path(c);
    const cond = p.length ? `__fish_seen_subcommand_from ${p[p.length - 1]}` : '__fish_use_subcommand';
    for (const s of c.commands)
      lines.push(
        `complete -c entroos -n '${cond}' -a ${s.name()} -d ${JSON.stringify(s.description().split('\n')[0].slice(0, 60))}`,
      );
    for (const o of c.options) {
      const long = o.long?.replace(/^--/, '');
      if (long)
        lines.push(
          `complete -c entroos -n '${p.length ? `__fish_seen_subcommand_from ${p[p.length - 1]}` : 'true'}' -l ${long}${o.short ? ` -s ${o.short.replace(/^-/, '')}` : ''} -d ${JSON.stringify(o.description.slice(0, 60))}`,
        );
    }
  }
  lines.push(
    `complete -c entroos -n '__fish_seen_subcommand_from ${TAKES_TYPE.join(' ')}' -a '${RESOURCE_WORDS.join(' ')}'`,
  );
  return lines.join('\n') + '\n';
}

export async function completion(inv: Invocation): Promise<void> {
  const shell = inv.args[0];
  const make = { bash, zsh, fish }[shell as 'bash'];
  if (!make) throw new UsageError(`completion for bash, zsh or fish (got "${shell}")`);
  process.stdout.write(make(inv.program));
}

const roff = (s: string) =>
  s
    .replace(/\\/g, '\\\\')
    .replace(/^([.'])/gm, '\\&$1')
    .replace(/-/g, '\\-');

/** The man page in roff, from the command tree (also written to dist/entroos.1 by the build). */
export function manPage(program: Command): string {
  const out = [
    `.TH ENTROOS 1 "" "entroos ${VERSION}" "EntroOS"`,
    '.SH NAME',
    `entroos \\- ${roff(program.description())}`,
    '.SH SYNOPSIS',
    '.B entroos',
    '[\\fIglobal options\\fR] \\fIcommand\\fR [\\fIarguments\\fR]',
    '.SH GLOBAL OPTIONS',
  ];
  for (const o of program.options) out.push('.TP', `.B ${roff(o.flags)}`, roff(o.description));
  out.push('.SH COMMANDS');
  for (const c of allCommands(program).slice(1)) {
    if (c.commands.length && !c.registeredArguments.length && !c.options.length) continue;
    const usage = [
      ...path(c),
      ...c.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}${a.variadic ? '...' : ''}]`)),
    ].join(' ');
    out.push('.TP', `.B entroos ${roff(usage)}`, roff(c.description() || ''));
    for (const o of c.options) out.push('.RS', '.TP', `.B ${roff(o.flags)}`, roff(o.description), '.RE');
  }
  out.push(
    '.SH FILES',
    '.TP',
    '.I ~/.config/entroos/config.yaml',
    'contexts written by \\fBentroos login\\fR ($ENTROOS_CONFIG or $XDG_CONFIG_HOME move it); without it, $KUBECONFIG or ~/.kube/config.',
    '.SH ENVIRONMENT',
    'ENTROOS_URL, ENTROOS_TOKEN, ENTROOS_PASSWORD, KUBECONFIG, NO_COLOR, FORCE_COLOR, EDITOR, KUBE_EDITOR.',
    '.SH EXIT STATUS',
    '0 ok; 1 error; 2 usage; 3 not found; 4 unauthorized or forbidden; 5 server unreachable; 6 a check failed; 130 interrupted.',
  );
  return out.join('\n') + '\n';
}

export async function man(inv: Invocation): Promise<void> {
  process.stdout.write(manPage(inv.program));
}
