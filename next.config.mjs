/** @type {import('next').NextConfig} */
const nextConfig = {
  // Tests build into their own folder so `npm test` never disturbs a running `npm start`.
  distDir: process.env.ENTROOS_DIST_DIR || '.next',
  poweredByHeader: false,
  reactStrictMode: true,
  // Native and worker-based packages stay outside the route bundles.
  serverExternalPackages: [
    'better-sqlite3',
    '@prisma/adapter-better-sqlite3',
    '@prisma/adapter-pg',
    'pg',
    'pino',
    'prom-client',
    // Loaded by server.ts already (placement proofs): routes share that copy instead of evaluating their own, which
    // made a route's first request (the public verdict's, for one) ~1 MB of code slower.
    'ffjavascript',
    'poseidon-lite',
    'snarkjs',
  ],
  typescript: { ignoreBuildErrors: false },
  // Next loads every page and route module at start by default; a route is loaded when first asked for instead, so a
  // server (and each test's server) is ready sooner and keeps only the code it serves in memory.
  experimental: { preloadEntriesOnStart: false },
};

export default nextConfig;
