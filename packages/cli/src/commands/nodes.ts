import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import type { Invocation } from '../main.js';
import { toJson, toYaml } from '../output.js';
import { connection } from './common.js';

export async function chaosStatus(inv: Invocation): Promise<void> {
  const { client } = connection(inv);
  const status = await client.entroos.chaos.status();
  process.stdout.write(inv.options.output === 'json' ? toJson(status) : await toYaml(status));
}

export async function chaosStart(inv: Invocation): Promise<void> {
  const { client } = connection(inv);
  const o = inv.options as { seed: string; rate: string; faultSeconds: string; spec?: string };
  const spec = o.spec
    ? (parse(readFileSync(o.spec, 'utf8')) as Record<string, unknown>)
    : { seed: Number(o.seed), ratePerMinute: Number(o.rate), faultSeconds: Number(o.faultSeconds) };
  const status = await client.entroos.chaos.start(spec);
  process.stdout.write(`chaos mode started\n${await toYaml(status)}`);
}

export async function chaosStop(inv: Invocation): Promise<void> {
  const { client } = connection(inv);
  await client.entroos.chaos.stop();
  process.stdout.write('chaos mode stopped; its node faults are healed\n');
}

export async function fault(inv: Invocation): Promise<void> {
  const [node, action] = inv.args;
  const { client } = connection(inv);
  const extra = inv.options.bytesPerSecond ? { bytesPerSecond: Number(inv.options.bytesPerSecond) } : {};
  await client.entroos.chaos.nodeFault(node, action, extra);
  process.stdout.write(`node/${node} ${action}\n`);
}
