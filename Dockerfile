# syntax=docker/dockerfile:1
# EntroOS container image: the standalone build (scripts/build-standalone.mjs)
# on a slim Node image, run as an unprivileged user, state in /data.
#
#   docker build -t entroos .
#   docker run -p 3000:3000 -v entroos-data:/data entroos
#
# Several instances: deploy/compose.yaml. docs/deployment.md explains the settings.
# Every stage uses the same Node image: the better-sqlite3 addon built in the
# first one must load in the last (same Node ABI, same libc).
ARG NODE_IMAGE=node:22-bookworm-slim

# 1. Every dependency (the build needs the development ones); compilers for
# better-sqlite3 in case no prebuilt binary fits this Node.
FROM ${NODE_IMAGE} AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.mjs ./scripts/
# postinstall generates the Prisma clients into lib/store/generated.
RUN npm ci --no-audit --no-fund

# 2. The Next build and the standalone folder; its node_modules are the
# production packages of stage 1 (npm ls --omit=dev), linked, not downloaded again.
FROM deps AS build
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1
RUN node scripts/build-standalone.mjs --deps link --out /standalone

# 3. What runs: Node, the standalone folder (owned by root, read-only to the
# server), and a writable /data for the SQLite store and its key file.
FROM ${NODE_IMAGE} AS runtime
RUN groupadd --system --gid 10001 entroos \
 && useradd --system --uid 10001 --gid entroos --home-dir /data --no-create-home --shell /usr/sbin/nologin entroos \
 && mkdir -p /data \
 && chown entroos:entroos /data
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=file:/data/entroos.db \
    NEXT_TELEMETRY_DISABLED=1 \
    CHECKPOINT_DISABLE=1
WORKDIR /app
COPY --from=build /standalone /app
USER entroos
VOLUME ["/data"]
EXPOSE 3000
# 200 once this instance can serve writes (docs/deployment.md, "Monitoring").
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# start.mjs passes SIGTERM on to the server, which finishes in-flight requests and flushes the store.
STOPSIGNAL SIGTERM
CMD ["node", "start.mjs"]
