import type { Pipeline } from './types.ts';

// The demo's pipeline (and examples/ci/pipeline.yaml): lint → test on three Node versions in parallel → build →
// package, for the sample repository in examples/ci/sample-app. On the simulated runtime each step's annotations
// give its run time; the build's output is an image manifest, attested to the supply chain where allowed.

export const SAMPLE_PIPELINE: Pick<Pipeline, 'spec'> & { metadata: { name: string } } = {
  metadata: { name: 'sample-app' },
  spec: {
    description: 'Lint, test on a Node matrix, build and package examples/ci/sample-app.',
    params: [{ name: 'ref', default: 'main' }],
    steps: [
      {
        name: 'lint',
        image: 'node:20-alpine',
        script: 'npm ci\nnpm run lint',
        outputs: [{ name: 'report', path: 'lint-report.json', mediaType: 'application/json' }],
        annotations: { 'entroos.io/duration': '2' },
        timeoutSeconds: 300,
      },
      {
        name: 'test',
        image: 'node:20-alpine',
        script: 'npm ci\nnpm test',
        needs: ['lint'],
        matrix: { node: ['18', '20', '22'] },
        annotations: { 'entroos.io/duration': '3' },
        retries: 1,
        timeoutSeconds: 600,
      },
      {
        name: 'build',
        image: 'node:20-alpine',
        script: 'npm ci\nnpm run build\ntar czf dist.tgz dist',
        needs: ['test'],
        inputs: [{ step: 'lint', output: 'report' }],
        outputs: [{ name: 'dist', path: 'dist.tgz', mediaType: 'application/gzip' }],
        cacheKeys: ['npm-{{ hashFiles package-lock.json }}'],
        annotations: { 'entroos.io/duration': '4' },
      },
      {
        name: 'package',
        image: 'gcr.io/kaniko-project/executor:latest',
        command: ['/kaniko/executor', '--context', 'dir://workspace', '--no-push'],
        needs: ['build'],
        inputs: [{ step: 'build', output: 'dist' }],
        outputs: [
          {
            name: 'image',
            path: 'manifest.json',
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            image: 'registry.entroos.local/sample-app',
          },
        ],
        annotations: { 'entroos.io/duration': '3' },
      },
    ],
  },
};
