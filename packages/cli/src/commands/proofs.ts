import { writeFileSync } from 'node:fs';
import { CheckFailed } from '../errors.js';
import type { Invocation } from '../main.js';
import { formatTable, toJson, toYaml } from '../output.js';
import { connection } from './common.js';

export async function list(inv: Invocation): Promise<void> {
  const o = inv.options as {
    pod?: string;
    node?: string;
    status?: string;
    limit: string;
    allNamespaces?: boolean;
    output: string;
  };
  const { client, namespace } = connection(inv);
  const result = await client.entroos.proofs.list({
    namespace: o.allNamespaces ? undefined : namespace,
    pod: o.pod,
    node: o.node,
    status: o.status,
    limit: Number(o.limit),
  });
  if (o.output === 'json') return void process.stdout.write(toJson(result));
  if (o.output === 'yaml') return void process.stdout.write(await toYaml(result));
  const rows = [['NAMESPACE', 'POD', 'NODE', 'PROOF', 'CIRCUIT', 'STATUS', 'AT']];
  for (const p of result.items)
    rows.push([
      p.namespace,
      p.name,
      p.node,
      p.batch?.id ?? '',
      p.batch?.circuit ?? '',
      p.batch?.status ?? '',
      String(p.createdAt),
    ]);
  if (result.items.length) process.stdout.write(formatTable(rows));
  else process.stderr.write('No placements found\n');
  const counts = Object.entries(result.counts ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  process.stderr.write(`proofs: ${counts || 'none'}; ${result.queued} placements queued for proving\n`);
}

/** Verifies the stored proofs batch by batch, with a progress bar on a terminal. */
export async function verify(inv: Invocation): Promise<void> {
  const { client } = connection(inv);
  const batch = Math.max(1, Number(inv.options.batch));
  let ids = inv.args;
  if (!ids.length) {
    const placements = await client.entroos.proofs.list({ limit: Number(inv.options.limit) });
    ids = [...new Set(placements.items.map((p) => p.batch?.id).filter((id): id is string => !!id))];
  }
  if (!ids.length) {
    process.stdout.write('no proofs to verify\n');
    return;
  }
  const tty = !!process.stderr.isTTY;
  const { SingleBar, Presets } = tty ? await import('cli-progress') : { SingleBar: undefined, Presets: undefined };
  const bar =
    SingleBar && Presets
      ? new SingleBar(
          {
            format: 'verifying {bar} {value}/{total} proofs | {invalid} invalid',
            stream: process.stderr,
            hideCursor: true,
          },
          Presets.shades_classic,
        )
      : undefined;
  bar?.start(ids.length, 0, { invalid: 0 });
  const invalid: string[] = [];
  let verified = 0;
  for (let i = 0; i < ids.length; i += batch) {
    const result = await client.entroos.proofs.verify(ids.slice(i, i + batch));
    verified += result.verified.length;
    invalid.push(...result.invalid);
    bar?.update(Math.min(ids.length, i + batch), { invalid: invalid.length });
    if (!bar) process.stderr.write(`verified ${Math.min(ids.length, i + batch)}/${ids.length}\n`);
  }
  bar?.stop();
  process.stdout.write(
    `${verified} verified, ${invalid.length} invalid${invalid.length ? `: ${invalid.slice(0, 10).join(', ')}` : ''}\n`,
  );
  if (invalid.length) throw new CheckFailed(`${invalid.length} proof(s) failed verification`);
}

export async function exportProofs(inv: Invocation): Promise<void> {
  const { client } = connection(inv);
  const data = await client.entroos.proofs.export(inv.options.limit ? Number(inv.options.limit) : undefined);
  const text = JSON.stringify(data);
  if (inv.options.out) {
    writeFileSync(String(inv.options.out), text);
    process.stderr.write(
      `wrote ${String(inv.options.out)} (${text.length} bytes); check it offline with npx entroos-verify ${String(inv.options.out)}\n`,
    );
  } else process.stdout.write(text + '\n');
}
