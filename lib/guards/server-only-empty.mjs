// Resolved for "#server-only" on the server (Node, and Next's server bundles):
// nothing to do there. Browser bundles resolve the same import to the
// `server-only` package, which fails the build (or throws) instead.
export {};
