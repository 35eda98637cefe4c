import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { typeByKey } from '../../apimachinery/registry.ts';
import type { ObjectApi } from '../../apiserver/object-api.ts';
import {
  batchDigest,
  CUSTODY_PREDICATE,
  generateParticipantKey,
  signStatement,
  STATEMENT_TYPE,
  subjectName,
  type CustodyPredicate,
} from './attestation.ts';
import { API_VERSION, RESOURCES, type Batch, type CustodyAction } from './types.ts';

// The demo's coffee chain in namespace `coffee`: 12 farms → a co-op → a roaster → 2 carriers → 5 retailers,
// 1,000 batches and 3,000 attestations, all written through the object API (admission checks every signature).
// Some are meant to be flagged: farm lots the co-op never attested receiving, roast lots "received" by a carrier
// they were not handed to, retail bags whose quantity was edited after they were attested, and a recalled co-op
// lot whose recall reaches the roasts and bags made from it. The private keys exist only while seeding.

export const DEMO_NAMESPACE = 'coffee';
const FARMS = 12;
const LOTS_PER_FARM = 50;
const COOP_LOTS = 200;
const ROAST_LOTS = 100;
const RETAILERS = 5;
const START = Date.parse('2026-09-01T06:00:00Z');

/** A Batch before it is created. */
const CERTIFIED_ROASTS = 5;

interface BatchManifest {
  apiVersion: string;
  kind: 'Batch';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: Batch['spec'];
}

interface Step {
  batch: BatchManifest;
  participant: string;
  action: CustodyAction;
  hour: number;
  to?: string;
}

export async function seedCoffeeChain(api: ObjectApi, log: Logger): Promise<void> {
  const ns = typeByKey('namespaces');
  const t = {
    participants: typeByKey(RESOURCES.participants),
    products: typeByKey(RESOURCES.products),
    batches: typeByKey(RESOURCES.batches),
    attestations: typeByKey(RESOURCES.attestations),
    sets: typeByKey(RESOURCES.certifiedSets),
  };
  if (!api.peek(ns, undefined, DEMO_NAMESPACE))
    await api.create(ns, undefined, {
      metadata: { name: DEMO_NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'supply-chain' } },
    });
  const keys = new Map<string, KeyObject>();
  const participant = async (name: string, displayName: string, roles: string[], location: string) => {
    const key = generateParticipantKey();
    keys.set(name, key.privateKey);
    await api.create(t.participants, DEMO_NAMESPACE, {
      apiVersion: API_VERSION,
      kind: 'Participant',
      metadata: { name },
      spec: { displayName, roles, location, publicKey: key.publicKey },
    });
  };
  const farms = Array.from({ length: FARMS }, (_, i) => `finca-${String(i + 1).padStart(2, '0')}`);
  const retailers = ['bean-and-leaf', 'corner-cafe', 'market-hall', 'daily-grind', 'north-pantry'].slice(0, RETAILERS);
  const carriers = ['andes-freight', 'harbor-logistics'];
  await all([
    ...farms.map((f, i) => participant(f, `Finca ${i + 1}`, ['farm'], i % 2 ? 'Huila, Colombia' : 'Nariño, Colombia')),
    participant('altura-coop', 'Altura Cooperative', ['cooperative', 'lab'], 'Pitalito, Colombia'),
    participant('ember-roasters', 'Ember Roasters', ['roaster', 'factory'], 'Rotterdam, Netherlands'),
    ...carriers.map((c) => participant(c, c.replace('-', ' '), ['carrier'], 'Rotterdam, Netherlands')),
    participant('shadow-freight', 'Shadow Freight', ['carrier'], 'unknown'),
    ...retailers.map((r) => participant(r, r.replace(/-/g, ' '), ['retailer'], 'Amsterdam, Netherlands')),
  ]);
  await all([
    product('green-coffee', 'Green coffee', 'Washed arabica, unroasted', 'kg'),
    product('roasted-coffee', 'Roasted coffee', 'Medium roast', 'kg'),
    product('retail-bag', 'Retail bag', '250 g bag of whole beans', 'bags'),
  ]);
  await api.create(t.sets, DEMO_NAMESPACE, {
    apiVersion: API_VERSION,
    kind: 'CertifiedSet',
    metadata: { name: 'fair-trade-facilities' },
    spec: {
      displayName: 'Fair-trade certified facilities',
      members: ['altura-coop', 'ember-roasters', ...farms.slice(0, 8)],
    },
  });

  const batches: BatchManifest[] = [];
  const steps: Step[] = [];
  const batch = (
    name: string,
    product: string,
    producer: string,
    quantity: number,
    unit: string,
    inputs?: string[],
  ) => {
    const b: BatchManifest = {
      apiVersion: API_VERSION,
      kind: 'Batch',
      metadata: { name, namespace: DEMO_NAMESPACE, labels: { 'supplychain.entroos.io/product': product } },
      spec: {
        product,
        producer,
        quantity,
        unit,
        ...(inputs ? { inputs } : {}),
        disclose: ['product', 'producer', 'custody'],
      },
    };
    batches.push(b);
    return b;
  };
  const chain = (b: BatchManifest, hour: number, route: string[]) => {
    const origin: CustodyAction = b.spec.inputs?.length ? 'process' : 'produce';
    steps.push({ batch: b, participant: route[0], action: origin, hour });
    for (let i = 1; i < route.length; i++) {
      steps.push({ batch: b, participant: route[i - 1], action: 'handover', to: route[i], hour: hour + i * 2 - 1 });
      steps.push({ batch: b, participant: route[i], action: 'receive', hour: hour + i * 2 });
    }
  };

  const farmLots = farms.flatMap((farm, f) =>
    Array.from({ length: LOTS_PER_FARM }, (_, l) => {
      const b = batch(
        `${farm}-lot-${String(l + 1).padStart(3, '0')}`,
        'green-coffee',
        farm,
        60 + ((f * 7 + l) % 30),
        'kg',
      );
      chain(b, l, [farm, 'altura-coop']);
      return b;
    }),
  );
  // The co-op never attested receiving these: a missing attestation.
  for (const lot of farmLots.filter((_, i) => i % 97 === 96)) dropReceipt(steps, lot);
  const coopLots = Array.from({ length: COOP_LOTS }, (_, i) => {
    const inputs = farmLots.slice(i * 3, i * 3 + 3).map((b) => b.metadata.name);
    const b = batch(`altura-lot-${String(i + 1).padStart(3, '0')}`, 'green-coffee', 'altura-coop', 180, 'kg', inputs);
    chain(b, 100 + i, ['altura-coop', 'ember-roasters']);
    return b;
  });
  const roastLots = Array.from({ length: ROAST_LOTS }, (_, i) => {
    const inputs = coopLots.slice(i * 2, i * 2 + 2).map((b) => b.metadata.name);
    const b = batch(
      `ember-roast-${String(i + 1).padStart(3, '0')}`,
      'roasted-coffee',
      'ember-roasters',
      300,
      'kg',
      inputs,
    );
    chain(b, 400 + i, ['ember-roasters', carriers[i % 2], retailers[i % RETAILERS]]);
    // The first roasts also publish a zero-knowledge proof that a fair-trade facility handled them (the roaster is in
    // the set): a handful, so a fresh demo's provers are busy for seconds, not minutes.
    if (i < CERTIFIED_ROASTS) b.spec.disclose = [...(b.spec.disclose ?? []), 'certified'];
    return b;
  });
  // Forged custody: a carrier that was never handed the roast signs its receipt (a valid signature, the wrong party).
  for (const i of [16, 52, 88]) {
    const receipt = steps.find(
      (s) => s.batch === roastLots[i] && s.action === 'receive' && s.participant === carriers[i % 2],
    );
    if (receipt) receipt.participant = 'shadow-freight';
  }
  const bags = roastLots.map((roast, i) => {
    const b = batch(`bag-${String(i + 1).padStart(4, '0')}`, 'retail-bag', retailers[i % RETAILERS], 1000, 'bags', [
      roast.metadata.name,
    ]);
    chain(b, 600 + i, [retailers[i % RETAILERS]]);
    return b;
  });

  const keyOf = (participant: string): KeyObject => {
    const key = keys.get(participant);
    if (!key) throw new Error(`the demo has no key for ${participant}`);
    return key;
  };
  const attest = (s: Step, n: number) => {
    const name = s.batch.metadata.name;
    const predicate: CustodyPredicate = {
      batch: name,
      participant: s.participant,
      action: s.action,
      time: new Date(START + s.hour * 3_600_000).toISOString(),
      ...(s.to ? { to: s.to } : {}),
      ...(s.action === 'process'
        ? { inputs: (s.batch.spec.inputs ?? []).map((i) => ({ name: i, digest: { sha256: digestOf(batches, i) } })) }
        : {}),
    };
    const envelope = signStatement(
      {
        _type: STATEMENT_TYPE,
        subject: [
          {
            name: subjectName(DEMO_NAMESPACE, name),
            digest: { sha256: batchDigest(DEMO_NAMESPACE, name, s.batch.spec) },
          },
        ],
        predicateType: CUSTODY_PREDICATE,
        predicate,
      },
      keyOf(s.participant),
    );
    return api.create(t.attestations, DEMO_NAMESPACE, {
      apiVersion: API_VERSION,
      kind: 'Attestation',
      metadata: { name: `${name}-${n}-${s.action}` },
      spec: { batch: name, participant: s.participant, action: s.action, envelope },
    });
  };
  const counts = new Map<BatchManifest, number>();
  await all(
    steps.map((s) => () => {
      const n = (counts.get(s.batch) ?? 0) + 1;
      counts.set(s.batch, n);
      return attest(s, n);
    }),
  );
  await all(batches.map((b) => () => api.create(t.batches, DEMO_NAMESPACE, b)));
  // Edited after they were attested: the attestations' subject digest no longer matches.
  for (const i of [6, 70]) {
    const live = api.get(t.batches, DEMO_NAMESPACE, bags[i].metadata.name) as Batch;
    await api.replace(t.batches, live, { ...live, spec: { ...live.spec, quantity: live.spec.quantity + 200 } });
  }
  const recalled = api.get(t.batches, DEMO_NAMESPACE, coopLots[4].metadata.name) as Batch;
  await api.replace(t.batches, recalled, {
    ...recalled,
    spec: {
      ...recalled.spec,
      recall: { reason: 'Ochratoxin above limit in lab sample', time: new Date(START + 900 * 3_600_000).toISOString() },
    },
  });
  log.info({ batches: batches.length, attestations: steps.length }, 'seeded the coffee supply chain');

  async function product(name: string, displayName: string, description: string, unit: string) {
    await api.create(t.products, DEMO_NAMESPACE, {
      apiVersion: API_VERSION,
      kind: 'Product',
      metadata: { name },
      spec: { displayName, description, unit },
    });
  }
}

function dropReceipt(steps: Step[], lot: BatchManifest) {
  const at = steps.findIndex((s) => s.batch === lot && s.action === 'receive');
  if (at >= 0) steps.splice(at, 1);
}

function digestOf(batches: BatchManifest[], name: string): string {
  const b = batches.find((x) => x.metadata.name === name);
  return b ? batchDigest(DEMO_NAMESPACE, name, b.spec) : '';
}

/** Runs the writes (promises, or thunks started 200 at a time so thousands of creates share group commits). */
async function all(work: (Promise<unknown> | (() => Promise<unknown>))[]): Promise<void> {
  const thunks = work.map((w) => (typeof w === 'function' ? w : () => w));
  for (let i = 0; i < thunks.length; i += 200) await Promise.all(thunks.slice(i, i + 200).map((f) => f()));
}
