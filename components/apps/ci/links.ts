export const CI_PAGE = '/apps/ci';
export const runPage = (namespace: string, name: string) =>
  `/apps/ci/runs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
