import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SAMPLE_PIPELINE } from '@/lib/apps/ci/examples.ts';
import { expandMatrix, findCycle, readiness, topologicalOrder, validateSteps } from '@/lib/apps/ci/dag.ts';
import { jobName, podAnnotations } from '@/lib/apps/ci/jobs.ts';
import { ArtifactStore } from '@/lib/apps/ci/artifact-store.ts';
import { provenanceOf, rawPublicKey, signProvenance, verifyProvenance } from '@/lib/apps/ci/provenance.ts';
import { signBody, signatureMatches } from '@/lib/apps/ci/webhook.ts';
import { verifyBuildAttestation } from '@/lib/apps/supply-chain/build.ts';
import type { PipelineStep } from '@/lib/apps/ci/types.ts';
import type { Participant } from '@/lib/apps/supply-chain/types.ts';

const step = (name: string, needs: string[] = [], more: Partial<PipelineStep> = {}): PipelineStep => ({
  name,
  image: 'busybox',
  script: `echo ${name}`,
  needs,
  ...more,
});

describe('CI pipeline DAG', () => {
  it('orders steps after what they need, keeping independent ones together (parallel)', () => {
    const steps = [
      step('package', ['build']),
      step('build', ['test-a', 'test-b']),
      step('test-a', ['lint']),
      step('test-b', ['lint']),
      step('lint'),
    ];
    expect(topologicalOrder(steps)).toEqual(['lint', 'test-a', 'test-b', 'build', 'package']);
  });

  it('names a cycle, and refuses it with the other problems as causes', () => {
    const steps = [step('a', ['c']), step('b', ['a']), step('c', ['b']), step('d')];
    const cycle = findCycle(steps)!;
    expect(cycle[0]).toBe(cycle.at(-1));
    expect(new Set(cycle)).toEqual(new Set(['a', 'b', 'c']));
    const causes = validateSteps(steps);
    expect(causes.map((c) => c.message).join('\n')).toMatch(
      /the steps' needs form a cycle: (a|b|c) → (a|b|c) → (a|b|c) → (a|b|c)/,
    );
    expect(() => topologicalOrder(steps)).toThrow(/cycle/);
  });

  it('reports duplicate names, unknown needs, bad timeouts, self needs and bad inputs by field', () => {
    const causes = validateSteps([
      step('a', ['ghost'], { timeoutSeconds: 0 }),
      step('a'),
      step('b', ['b']),
      step('c', [], { inputs: [{ step: 'a', output: 'bin' }] }),
      step('d', ['a'], { inputs: [{ step: 'a', output: 'missing' }], timeoutSeconds: 1.5 }),
      { name: 'e', image: 'x' },
    ]);
    const byField = Object.fromEntries(causes.map((c) => [c.field, c]));
    expect(byField['spec.steps[1].name'].reason).toBe('FieldValueDuplicate');
    expect(byField['spec.steps[0].needs[0]'].message).toMatch(
      /"ghost": step "a" needs a step the pipeline does not have/,
    );
    expect(byField['spec.steps[0].timeoutSeconds'].message).toMatch(/whole number of seconds/);
    expect(byField['spec.steps[4].timeoutSeconds']).toBeDefined();
    expect(byField['spec.steps[2].needs[0]'].message).toMatch(/cannot need itself/);
    expect(byField['spec.steps[3].inputs[0].step'].message).toMatch(/a step this one needs/);
    expect(byField['spec.steps[4].inputs[0].output'].message).toMatch(/declares no such output/);
    expect(byField['spec.steps[5].script'].reason).toBe('FieldValueRequired');
    expect(validateSteps([step('lint'), step('test', ['lint'])])).toEqual([]);
  });

  it('expands a matrix into parallel steps that the next step waits for', () => {
    const steps = expandMatrix([
      step('lint'),
      step('test', ['lint'], { matrix: { node: ['18', '20'] } }),
      step('build', ['test']),
    ]);
    expect(steps.map((s) => s.name)).toEqual(['lint', 'test-18', 'test-20', 'build']);
    expect(steps[1].env).toContainEqual({ name: 'MATRIX_NODE', value: '18' });
    expect(steps[3].needs).toEqual(['test-18', 'test-20']);
    expect(
      validateSteps([
        step('t', [], { matrix: { a: Array.from({ length: 9 }, String), b: Array.from({ length: 9 }, String) } }),
      ])[0].field,
    ).toBe('spec.steps[0].matrix');
  });

  it('decides readiness from the needs’ phases', () => {
    const phases: Record<string, string> = { a: 'Succeeded', b: 'Running', c: 'Failed' };
    expect(readiness(step('x', ['a']), (n) => phases[n])).toBe('ready');
    expect(readiness(step('x', ['a', 'b']), (n) => phases[n])).toBe('waiting');
    expect(readiness(step('x', ['b', 'c']), (n) => phases[n])).toBe('blocked');
  });

  it('picks an attempt’s exit code and keeps job names short', () => {
    const s = step('t', [], { annotations: { 'entroos.io/exit-codes': '1, 2, 0' } });
    expect(podAnnotations(s, 1)['entroos.io/exit-code']).toBe('1');
    expect(podAnnotations(s, 3)['entroos.io/exit-code']).toBe('0');
    expect(podAnnotations(s, 9)['entroos.io/exit-code']).toBe('0');
    expect(podAnnotations(s, 1)['entroos.io/exit-codes']).toBeUndefined();
    expect(podAnnotations(s, 1)['entroos.io/duration']).toBe('1');
    expect(jobName('r', 'build', 2)).toBe('r-build-2');
    const long = jobName('a'.repeat(60), 'build', 2);
    expect(long.length).toBeLessThanOrEqual(52);
    expect(long).not.toBe(jobName('a'.repeat(60), 'test', 2));
  });
});

describe('CI artifact store and provenance', () => {
  it('stores content by digest once and collects only old unreferenced files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-store-'));
    try {
      const store = new ArtifactStore(dir);
      const a = await store.put(Buffer.from('hello'));
      expect(a.digest).toBe(`sha256:${createHash('sha256').update('hello').digest('hex')}`);
      expect(await store.put(Buffer.from('hello'))).toEqual(a);
      const b = await store.put(Buffer.from('other'));
      expect((await store.get(a.digest))!.toString()).toBe('hello');
      expect(await store.collect(new Set([a.digest]), 60_000)).toEqual({ files: 0, bytes: 0 });
      expect(await store.collect(new Set([a.digest]), 0, Date.now() + 1000)).toEqual({ files: 1, bytes: 5 });
      expect(await store.get(b.digest)).toBeUndefined();
      const path = join(dir, 'sha256', a.digest.slice(7, 9), a.digest.slice(7));
      writeFileSync(path, 'tampered');
      utimesSync(path, new Date(), new Date());
      await expect(store.get(a.digest)).rejects.toThrow(/corrupt/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('signs provenance the supply chain accepts as a build attestation, and detects tampering', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const signer = { keyId: 'k1', publicKeyPem, sign: (d: Buffer) => sign(null, d, privateKey).toString('base64') };
    const digest = `sha256:${'ab'.repeat(32)}`;
    const statement = provenanceOf(
      {
        namespace: 'ns',
        artifact: 'r-build-bin',
        digest,
        pipeline: 'p',
        run: 'r',
        step: 'build',
        attempt: 1,
        image: 'busybox',
        script: 'make',
        params: {},
        inputs: [{ name: 'r-lint-report', digest: `sha256:${'cd'.repeat(32)}` }],
        placement: { pod: 'r-build-1-x', podUid: 'u', node: 'n1', proof: '/apis/entroos.io/v1/proofs?pod=r-build-1-x' },
        finishedOn: '2026-12-03T00:00:00Z',
      },
      'k1',
    );
    const envelope = signProvenance(statement, signer);
    const verdict = verifyProvenance(envelope, digest, publicKeyPem);
    expect(verdict.ok).toBe(true);
    expect(verifyProvenance(envelope, `sha256:${'ef'.repeat(32)}`, publicKeyPem).ok).toBe(false);
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyProvenance(envelope, digest, other)).toMatchObject({ ok: false, problem: /no signature/ });
    const participant = { spec: { roles: ['builder'], publicKey: rawPublicKey(publicKeyPem) } } as Participant;
    const build = verifyBuildAttestation({ participant: 'entroos-ci', action: 'build', digest, envelope }, (n) =>
      n === 'entroos-ci' ? participant : undefined,
    );
    expect(build).toMatchObject({ ok: true });
  });

  it('checks a webhook signature in constant time against the raw body', () => {
    const body = Buffer.from('{"a":1}');
    expect(signatureMatches(body, Buffer.from('s3cret'), signBody(body, 's3cret'))).toBe(true);
    expect(signatureMatches(body, Buffer.from('other'), signBody(body, 's3cret'))).toBe(false);
    expect(signatureMatches(Buffer.from('{"a":2}'), Buffer.from('s3cret'), signBody(body, 's3cret'))).toBe(false);
    expect(signatureMatches(body, Buffer.from('s3cret'), null)).toBe(false);
    expect(signatureMatches(body, Buffer.from('s3cret'), 'sha1=abc')).toBe(false);
  });
});

describe('the CI example pipeline', () => {
  it('is a valid DAG, and examples/ci/pipeline.yaml is the same pipeline as the demo seeds', () => {
    expect(validateSteps(SAMPLE_PIPELINE.spec.steps)).toEqual([]);
    const names = expandMatrix(SAMPLE_PIPELINE.spec.steps).map((x) => x.name);
    expect(names).toEqual(['lint', 'test-18', 'test-20', 'test-22', 'build', 'package']);
    const file = parse(readFileSync(join(import.meta.dirname, '../../examples/ci/pipeline.yaml'), 'utf8'));
    expect(file).toMatchObject({
      apiVersion: 'ci.entroos.io/v1',
      kind: 'Pipeline',
      metadata: SAMPLE_PIPELINE.metadata,
    });
    expect(file.spec).toEqual(SAMPLE_PIPELINE.spec);
  });
});
