// Well-known images with compressed sizes (MiB) close to the official ones.
// Pure data: the dashboard's image picker uses it too.
export const KNOWN_IMAGE_SIZES_MIB: Record<string, number> = {
  nginx: 70,
  busybox: 2,
  alpine: 4,
  redis: 45,
  postgres: 150,
  node: 380,
  python: 370,
  ubuntu: 30,
  debian: 50,
  golang: 300,
  httpd: 60,
  memcached: 35,
  mysql: 160,
};

/** Suggestions for the image field. */
export const SUGGESTED_IMAGES = [
  'nginx:1.27',
  'nginx:1.27-alpine',
  'busybox:1.36',
  'alpine:3.20',
  'redis:7.4',
  'postgres:17',
  'node:22-alpine',
  'python:3.13-slim',
  'ubuntu:24.04',
  'httpd:2.4',
  'memcached:1.6',
  'mysql:8.4',
  'golang:1.23',
];
