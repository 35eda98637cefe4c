// The command definitions. Every command's code is imported lazily (its own chunk), so `entroos version` and
// `entroos get` load little. The same tree feeds `completion` and the man page.
import { Command, CommanderError, Option } from 'commander';
import { describeError, EXIT } from './errors.js';
import type { GlobalOptions } from './config.js';

// Also in cli.ts (its fast path for --version loads nothing else) and package.json.
export const VERSION = '0.1.0';

type Loader = () => Promise<{ run: (ctx: Invocation) => Promise<void> | void }>;

export interface Invocation {
  args: string[];
  options: Record<string, unknown>;
  global: GlobalOptions;
  program: Command;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function act(command: Command, load: Loader) {
  return command.action(async (...received: unknown[]) => {
    const cmd = received[received.length - 1] as Command;
    const args = cmd.args;
    const options = cmd.opts();
    const global = cmd.optsWithGlobals() as GlobalOptions;
    const module = await load();
    await module.run({ args, options, global, program: root(cmd) });
  });
}

function root(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

const output = () =>
  new Option('-o, --output <format>', 'table, wide, json, yaml, name, jsonpath=TEMPLATE').default('table');

export function buildProgram(): Command {
  const program = new Command('entroos')
    .description(
      'The EntroOS command line: kubectl-style access to every kind, scheduling decisions, the policy lab, proofs and backups.',
    )
    .version(VERSION, '--version', 'print the version')
    .option('-n, --namespace <name>', 'the namespace (default: the context\'s, else "default")')
    .option('--context <name>', 'a context of ~/.config/entroos/config.yaml (or of the kubeconfig)')
    .option('--kubeconfig <file>', 'use this kubeconfig instead of the entroos config')
    .option('--server <url>', 'the server (with --token; or ENTROOS_URL)')
    .option('--token <token>', 'an API token (or ENTROOS_TOKEN)')
    .option('--insecure-skip-tls-verify', "do not verify the server's certificate")
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false })
    // Usage errors are printed by main() as one line with a hint; commander stays quiet.
    .configureOutput({ outputError: () => undefined });

  act(
    program
      .command('version')
      .description('print the client and server versions')
      .option('--client', 'the client only'),
    () => import('./commands/misc.js').then((m) => ({ run: m.version })),
  );

  act(
    program
      .command('login')
      .description('log in with a user and password; stores a token as a named context')
      .argument('<url>', 'the server, e.g. https://entroos.example:3000')
      .option('-u, --username <name>', 'the user', 'admin')
      .option('-p, --password <password>', 'the password (or ENTROOS_PASSWORD, or --password-stdin)')
      .option('--password-stdin', 'read the password from standard input')
      .option('--name <context>', "the context's name (default: the host)")
      .option('--default-namespace <ns>', "the context's namespace", 'default'),
    () => import('./commands/misc.js').then((m) => ({ run: m.login })),
  );
  act(program.command('whoami').description('who the server thinks you are, and your role'), () =>
    import('./commands/misc.js').then((m) => ({ run: m.whoami })),
  );

  const config = program.command('config').description('the contexts of ~/.config/entroos/config.yaml');
  act(config.command('use-context').argument('<name>').description('make a context current'), () =>
    import('./commands/misc.js').then((m) => ({ run: m.useContext })),
  );
  act(config.command('get-contexts').description('list the contexts'), () =>
    import('./commands/misc.js').then((m) => ({ run: m.getContexts })),
  );
  act(config.command('current-context').description('print the current context'), () =>
    import('./commands/misc.js').then((m) => ({ run: m.currentContext })),
  );
  act(config.command('delete-context').argument('<name>').description('forget a context'), () =>
    import('./commands/misc.js').then((m) => ({ run: m.deleteContext })),
  );

  act(
    program
      .command('get')
      .description("list or get objects of any kind (the server's columns, as kubectl prints them)")
      .argument('<type>', 'a kind, plural, short name or TYPE/NAME (several: pods,svc)')
      .argument('[names...]')
      .addOption(output())
      .option('-A, --all-namespaces', 'every namespace')
      .option('-l, --selector <selector>', 'a label selector')
      .option('--field-selector <selector>', 'a field selector')
      .option('-w, --watch', 'after listing, print changes')
      .option('--watch-only', 'print changes only')
      .option('--no-headers', 'no header line')
      .option('--show-labels', 'add a LABELS column')
      .option('--show-managed-fields', 'keep metadata.managedFields in json and yaml'),
    () => import('./commands/get.js'),
  );
  act(
    program
      .command('describe')
      .description('an object in detail, with its events')
      .argument('<type>')
      .argument('[names...]')
      .option('-A, --all-namespaces')
      .option('-l, --selector <selector>'),
    () => import('./commands/describe.js'),
  );
  act(
    program
      .command('create')
      .description('create objects from files (YAML or JSON, several documents)')
      .requiredOption('-f, --filename <file>', 'a file, or - for standard input', collect)
      .option('--dry-run', 'ask the server without writing')
      .addOption(output().default(undefined)),
    () => import('./commands/write.js').then((m) => ({ run: m.create })),
  );
  act(
    program
      .command('apply')
      .description('create or update objects from files (server-side apply, field manager "entroos")')
      .requiredOption('-f, --filename <file>', 'a file, or - for standard input', collect)
      .option('--dry-run', 'ask the server without writing')
      .option('--no-force-conflicts', 'fail on fields another manager owns')
      .addOption(output().default(undefined)),
    () => import('./commands/write.js').then((m) => ({ run: m.apply })),
  );
  act(
    program
      .command('edit')
      .description('edit an object in $EDITOR and save it')
      .argument('<type>')
      .argument('[name]')
      .addOption(new Option('-o, --output <format>', 'yaml or json').default('yaml')),
    () => import('./commands/write.js').then((m) => ({ run: m.edit })),
  );
  act(
    program
      .command('delete')
      .description('delete objects by name, label selector, --all, or files')
      .argument('[type]')
      .argument('[names...]')
      .option('-f, --filename <file>', 'a file, or - for standard input', collect)
      .option('-l, --selector <selector>')
      .option('--all', 'every object of the type in the namespace')
      .option('-A, --all-namespaces')
      .option('--ignore-not-found', 'no error for a missing object')
      .option('--cascade <policy>', 'background, foreground or orphan', 'background')
      .option('--grace-period <seconds>')
      .option('--dry-run', 'ask the server without deleting'),
    () => import('./commands/write.js').then((m) => ({ run: m.remove })),
  );
  act(
    program
      .command('scale')
      .description('set the replicas of a deployment, replicaset, statefulset or custom resource')
      .argument('<type>')
      .argument('[name]')
      .requiredOption('--replicas <n>', 'the new count'),
    () => import('./commands/write.js').then((m) => ({ run: m.scale })),
  );
  act(
    program
      .command('logs')
      .description("a pod's log")
      .argument('<pod>', 'POD or pod/POD')
      .option('-c, --container <name>')
      .option('-f, --follow', 'keep printing new lines')
      .option('--tail <lines>', 'the last lines only')
      .option('-p, --previous', "the previous container's log")
      .option('--timestamps'),
    () => import('./commands/logs.js').then((m) => ({ run: m.logs })),
  );
  act(
    program
      .command('top')
      .description('cpu and memory use of nodes (sampled by EntroOS) or pods (their requests)')
      .argument('<what>', 'nodes or pods')
      .argument('[name]')
      .option('-A, --all-namespaces'),
    () => import('./commands/logs.js').then((m) => ({ run: m.top })),
  );
  act(
    program
      .command('events')
      .description('events, oldest first')
      .option('-A, --all-namespaces')
      .option('--for <object>', 'TYPE/NAME')
      .option('-w, --watch')
      .addOption(output()),
    () => import('./commands/logs.js').then((m) => ({ run: m.events })),
  );
  act(
    program
      .command('why')
      .description('why a pod is where it is: per-plugin scores, filtered nodes with reasons, entropy before and after')
      .argument('<pod>', 'POD or NAMESPACE/POD')
      .addOption(output()),
    () => import('./commands/scheduler.js').then((m) => ({ run: m.why })),
  );
  const lab = program.command('lab').description('the policy lab: replay a workload under several profiles');
  act(
    lab
      .command('run')
      .argument('<workload>', 'a LabRequest as YAML or JSON (nodes or generateNodes, workload or generateWorkload)')
      .option('--profiles <list>', 'comma-separated profiles, e.g. entropy,pack')
      .option('--seed <n>')
      .addOption(output()),
    () => import('./commands/scheduler.js').then((m) => ({ run: m.labRun })),
  );
  const ci = program.command('ci').description('CI/CD pipelines: start runs, read their logs, cancel, artifacts');
  act(
    ci
      .command('run')
      .description('start a run of a pipeline')
      .argument('<pipeline>')
      .option('-p, --param <name=value>', 'a parameter (repeatable)', collect)
      .option('--wait', 'follow the run; exit 6 unless it succeeds')
      .option('--timeout <seconds>', 'with --wait: how long', '3600')
      .addOption(output()),
    () => import('./commands/ci.js').then((m) => ({ run: m.run })),
  );
  act(
    ci
      .command('logs')
      .description("a run's step logs (kept after the pods are gone)")
      .argument('<run>')
      .argument('[step]'),
    () => import('./commands/ci.js').then((m) => ({ run: m.logs })),
  );
  act(ci.command('cancel').description('cancel a run').argument('<run>'), () =>
    import('./commands/ci.js').then((m) => ({ run: m.cancel })),
  );
  act(
    ci
      .command('artifacts')
      .description("a run's artifacts, or --download one")
      .argument('[run]')
      .option('--download <artifact>', "write the artifact's content")
      .option('-O, --output-file <file>', 'with --download: the file (default: standard output)')
      .addOption(output()),
    () => import('./commands/ci.js').then((m) => ({ run: m.artifacts })),
  );

  const proofs = program.command('proofs').description('placement proofs');
  act(
    proofs
      .command('list')
      .option('--pod <name>')
      .option('--node <name>')
      .option('--status <status>', 'proved, verified or invalid')
      .option('--limit <n>', 'at most', '500')
      .option('-A, --all-namespaces')
      .addOption(output()),
    () => import('./commands/proofs.js').then((m) => ({ run: m.list })),
  );
  act(
    proofs
      .command('verify')
      .description('verify stored proofs on the server in batches (a progress bar on a terminal)')
      .argument('[ids...]')
      .option('--batch <n>', 'proofs per request', '100')
      .option('--limit <n>', 'at most this many', '10000'),
    () => import('./commands/proofs.js').then((m) => ({ run: m.verify })),
  );
  act(
    proofs
      .command('export')
      .description('every proof and the verification keys, for `npx entroos-verify FILE`')
      .option('--out <file>', 'write to FILE (default standard output)')
      .option('--limit <n>'),
    () => import('./commands/proofs.js').then((m) => ({ run: m.exportProofs })),
  );

  const nodes = program.command('nodes').description('simulated nodes: faults and chaos mode');
  const chaos = nodes.command('chaos').description('seeded chaos mode');
  act(chaos.command('status').addOption(output()), () =>
    import('./commands/nodes.js').then((m) => ({ run: m.chaosStatus })),
  );
  act(
    chaos
      .command('start')
      .option('--seed <n>', 'the seed', '1')
      .option('--rate <perMinute>', 'faults a minute', '6')
      .option('--fault-seconds <s>', 'how long node faults last', '30')
      .option('--spec <file>', 'a full chaos spec (YAML or JSON)'),
    () => import('./commands/nodes.js').then((m) => ({ run: m.chaosStart })),
  );
  act(chaos.command('stop'), () => import('./commands/nodes.js').then((m) => ({ run: m.chaosStop })));
  act(
    nodes
      .command('fault')
      .description('inject or heal a node fault')
      .argument('<node>')
      .argument('<action>', 'stop-heartbeats, restore, partition, heal, slow-pulls, restore-pulls')
      .option('--bytes-per-second <n>', 'for slow-pulls'),
    () => import('./commands/nodes.js').then((m) => ({ run: m.fault })),
  );

  const backup = program.command('backup').description('cluster backups (admin)');
  act(
    backup
      .command('create')
      .description('take a backup (kept on the server too) and write it')
      .option('-o, --output <file>', "the file (default: the server's name for it)"),
    () => import('./commands/backup.js').then((m) => ({ run: m.create })),
  );
  act(backup.command('list').description('the backups stored on the server'), () =>
    import('./commands/backup.js').then((m) => ({ run: m.list })),
  );
  act(backup.command('download').argument('<name>').option('-o, --output <file>'), () =>
    import('./commands/backup.js').then((m) => ({ run: m.download })),
  );
  act(
    backup
      .command('restore')
      .description('restore a backup; --dry-run prints the per-kind diff only')
      .argument('<file>', 'a backup file (or server:NAME for a stored one)')
      .option('--dry-run', 'show what would change')
      .option('--trust-key <id>', 'accept a backup signed by this key', collect),
    () => import('./commands/backup.js').then((m) => ({ run: m.restore })),
  );
  act(
    program
      .command('export')
      .description("a namespace's objects as YAML")
      .option('-O, --out <file>', 'write to FILE')
      .option('--include-secrets'),
    () => import('./commands/backup.js').then((m) => ({ run: m.exportNs })),
  );
  act(program.command('import').description('apply a YAML stream into a namespace (-n)').argument('<file>'), () =>
    import('./commands/backup.js').then((m) => ({ run: m.importNs })),
  );
  const audit = program.command('audit').description('the audit trail');
  act(audit.command('verify').description('check the hash chain and the signed checkpoints'), () =>
    import('./commands/backup.js').then((m) => ({ run: m.auditVerify })),
  );

  act(
    program.command('completion').description('a shell completion script').argument('<shell>', 'bash, zsh or fish'),
    () => import('./commands/completion.js').then((m) => ({ run: m.completion })),
  );
  act(program.command('man').description('the man page (roff), generated from these definitions'), () =>
    import('./commands/completion.js').then((m) => ({ run: m.man })),
  );
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  for (const c of allCommands(program)) c.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return EXIT.ok;
      const message = err.message
        .replace(/^error: /, '')
        .replace(/\.?\n\(?/g, '. ')
        .replace(/\)?\s*$/, '');
      const sep = /[.?]$/.test(message) ? ' ' : '. ';
      process.stderr.write(
        `entroos: ${message}${sep}Try: entroos ${commandPath(program, argv).join(' ')}${commandPath(program, argv).length ? ' ' : ''}--help\n`,
      );
      return EXIT.usage;
    }
    const { line, code } = describeError(err);
    const { red } = await import('./colors.js').then((m) => m.colors(process.stderr));
    process.stderr.write(`${red('entroos:')} ${line}\n`);
    return code;
  }
}

/** The subcommand words of argv (for "Try: entroos get --help"). */
function commandPath(program: Command, argv: string[]): string[] {
  const out: string[] = [];
  let at = program;
  for (const word of argv) {
    if (word.startsWith('-')) continue;
    const next = at.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) break;
    out.push(word);
    at = next;
  }
  return out;
}

export function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap(allCommands)];
}
