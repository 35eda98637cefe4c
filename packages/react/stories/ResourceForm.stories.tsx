import { useState } from 'react';
import type { Meta, StoryObj } from '@storybook/react-vite';
import type { KubeObject } from '@entroos/client';
import { EntroosProvider, ResourceForm, resolveSchema, type JsonSchema, type KindSchema } from '../src/index.ts';
import { fixtureClient } from './fixture-client.ts';
import { cronTabSchema } from './fixtures.ts';

const meta = {
  title: 'Components/ResourceForm',
  component: ResourceForm,
  parameters: {
    docs: {
      description: {
        component:
          "A form generated from a kind's OpenAPI v3 schema, built-in or custom: text, numbers, yes/no, choices, nested objects (opened on demand), lists and maps, required fields marked (*). What was typed is checked against the schema before sending, and each problem is shown at its field saying what to enter; a 422 from the server is shown the same way. Without `schema` it reads /openapi/v3 from the server.",
      },
    },
  },
} satisfies Meta<typeof ResourceForm>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Shows what would be sent instead of sending it (the stories have no server). */
function Preview(props: { schema?: KindSchema; resource: string; initialValue?: KubeObject; showErrors?: boolean }) {
  const [sent, setSent] = useState<KubeObject | null>(null);
  return (
    <div style={{ display: 'flex', gap: 24, alignItems: 'flex-start' }}>
      <ResourceForm {...props} onSubmit={(object) => setSent(object)} />
      {sent && (
        <pre aria-label="Object to send" style={{ fontSize: 12 }}>
          {JSON.stringify(sent, null, 2)}
        </pre>
      )}
    </div>
  );
}

export const CustomResource: Story = {
  args: { resource: 'crontabs.stable.example.com' },
  render: () => <Preview resource="crontabs.stable.example.com" schema={cronTabSchema} />,
};

export const ValidationMessages: Story = {
  args: { resource: 'crontabs.stable.example.com' },
  render: () => (
    <Preview
      resource="crontabs.stable.example.com"
      schema={cronTabSchema}
      showErrors
      initialValue={{
        metadata: { name: 'Nightly_Report', labels: { team: 'data', '': 'x' } },
        spec: {
          cronSpec: 'every night',
          replicas: 0,
          memory: '2 gigs',
          port: 'http',
          targets: [{ timeoutSeconds: 0 }],
        },
      }}
    />
  ),
};

// A built-in kind from the upstream Kubernetes schemas the server serves (copied into the static build as /k8s).
export const Deployment: Story = {
  args: { resource: 'deployments.apps' },
  loaders: [
    async () => {
      const { schemas } = (await (await fetch('k8s/openapi-schemas.json')).json()) as {
        schemas: Record<string, JsonSchema>;
      };
      const deployment: KindSchema = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespaced: true,
        schema: resolveSchema(schemas['io.k8s.api.apps.v1.Deployment'], schemas),
        definitions: schemas,
      };
      return { deployment };
    },
  ],
  render: (_args, { loaded }) => (
    <Preview
      resource="deployments.apps"
      schema={loaded.deployment as KindSchema}
      initialValue={{ metadata: { name: 'web' }, spec: { replicas: 2 } }}
    />
  ),
};

// Without `schema`: discovery resolves the name, then the form reads the group-version's /openapi/v3 document.
const crdName = 'com.example.stable.v1.CronTab';
const serverClient = fixtureClient({
  responses: {
    '/apis': {
      groups: [{ name: 'stable.example.com', versions: [{ version: 'v1' }], preferredVersion: { version: 'v1' } }],
    },
    '/api/v1': { groupVersion: 'v1', resources: [] },
    '/apis/stable.example.com/v1': {
      groupVersion: 'stable.example.com/v1',
      resources: [{ name: 'crontabs', singularName: 'crontab', namespaced: true, kind: 'CronTab', shortNames: ['ct'] }],
    },
    '/openapi/v3/apis/stable.example.com/v1': {
      openapi: '3.0.0',
      paths: {
        '/apis/stable.example.com/v1/namespaces/{namespace}/crontabs': {
          post: {
            'x-kubernetes-action': 'post',
            'x-kubernetes-group-version-kind': { group: 'stable.example.com', version: 'v1', kind: 'CronTab' },
            requestBody: { content: { '*/*': { schema: { $ref: `#/components/schemas/${crdName}` } } } },
          },
        },
      },
      components: { schemas: { ...cronTabSchema.definitions, [crdName]: cronTabSchema.schema } },
    },
  },
});
export const SchemaFromServer: Story = {
  args: { resource: 'ct' },
  render: () => (
    <EntroosProvider transport="http" client={serverClient}>
      <Preview resource="ct" />
    </EntroosProvider>
  ),
};
