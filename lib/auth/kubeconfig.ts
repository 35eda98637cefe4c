// A kubeconfig for kubectl: the server's HTTPS address, the CA that signed
// its certificate, and an API token.

export interface KubeconfigInput {
  /** Any URL of the EntroOS server; the scheme becomes https (kubectl sends tokens only over TLS). */
  server: string;
  caPem: string;
  token: string;
  username: string;
  clusterName?: string;
  namespace?: string;
}

const quote = (s: string) => JSON.stringify(s);

export function kubeServerUrl(anyUrl: string): string {
  const url = new URL(anyUrl);
  url.protocol = 'https:';
  url.pathname = '';
  url.search = '';
  return url.toString().replace(/\/$/, '');
}

export function renderKubeconfig(input: KubeconfigInput): string {
  const cluster = input.clusterName ?? 'entroos';
  const context = `${input.username}@${cluster}`;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: ' + quote(cluster),
    '  cluster:',
    '    server: ' + quote(kubeServerUrl(input.server)),
    '    certificate-authority-data: ' + Buffer.from(input.caPem).toString('base64'),
    'users:',
    '- name: ' + quote(context),
    '  user:',
    '    token: ' + quote(input.token),
    'contexts:',
    '- name: ' + quote(context),
    '  context:',
    '    cluster: ' + quote(cluster),
    '    user: ' + quote(context),
    '    namespace: ' + quote(input.namespace ?? 'default'),
    'current-context: ' + quote(context),
    '',
  ].join('\n');
}
