// The deployment files (Dockerfile, deploy/, scripts/install.sh) checked without a container daemon:
// parsed, linted by the tools that own their formats (haproxy -c, systemd-analyze verify, shellcheck),
// and cross-checked against the settings the server knows and what docs/deployment.md says.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_NAMES } from '@/lib/config.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const docs = read('docs/deployment.md');

/** Runs a checker that must be installed (.ci/run installs it): a missing tool fails the test, never skips it. */
function tool(command: string, args: string[], debianPackage: string) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
  if (result.error) throw new Error(`${command} is missing: apt-get install -y ${debianPackage} (see .ci/run)`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

// Variables the server reads besides its settings (lib/config.ts): Node's and the launcher's.
const OTHER_ENV = new Set([
  'NODE_ENV',
  'NODE_OPTIONS',
  'ENTROOS_V8_FLAGS',
  'NEXT_TELEMETRY_DISABLED',
  'CHECKPOINT_DISABLE',
]);
const KNOWN_ENV = new Set([...Object.values(ENV_NAMES), ...OTHER_ENV]);

interface ComposeService {
  build?: { context: string; dockerfile: string };
  image?: string;
  hostname?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] };
  ports?: string[];
  volumes?: string[];
  restart?: string;
  networks?: Record<string, { ipv4_address?: string }>;
}
const compose = parse(read('deploy/compose.yaml'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
  networks?: Record<string, { ipam?: { config?: { subnet: string; ip_range?: string }[] } }>;
};
const instances = ['entroos-1', 'entroos-2'];

describe('deploy/compose.yaml', () => {
  it('runs two instances, PostgreSQL, Redis and a load balancer, each named in docs/deployment.md', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['entroos-1', 'entroos-2', 'lb', 'postgres', 'redis']);
    for (const name of Object.keys(compose.services)) expect(docs).toContain(`\`${name}\``);
  });

  it('builds the instances from the Dockerfile of this checkout', () => {
    for (const name of instances) {
      const { build } = compose.services[name];
      expect(build).toBeDefined();
      expect(existsSync(join(ROOT, 'deploy', build!.context, build!.dockerfile))).toBe(true);
    }
  });

  it('gives the instances only settings the server knows, with what several instances require', () => {
    for (const name of instances) {
      const env = compose.services[name].environment!;
      for (const key of Object.keys(env)) expect(KNOWN_ENV, `${name}: ${key}`).toContain(key);
      expect(env.DATABASE_URL).toMatch(/^postgresql:\/\/[^@]+@postgres:5432\//);
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      // Required, and the same on each (compose refuses to start without it).
      expect(env.ENTROOS_SECRET_KEY).toMatch(/^\$\{ENTROOS_SECRET_KEY:\?/);
      expect(env.HOST).toBe('0.0.0.0');
      expect(env.ENTROOS_ADVERTISE_URL).toBe(`http://${compose.services[name].hostname}:${env.PORT}`);
      expect(compose.services[name].hostname).toBe(name);
    }
    for (const key of new Set(instances.flatMap((n) => Object.keys(compose.services[n].environment!))))
      expect(docs, `docs/deployment.md names ${key}`).toContain(key);
  });

  it('starts the instances once PostgreSQL and Redis are healthy, and checks /readyz', () => {
    for (const name of instances) {
      const service = compose.services[name];
      expect(service.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
      expect(service.healthcheck!.test.join(' ')).toContain('/readyz');
      expect(service.restart).toBe('unless-stopped');
      const [volume, target] = service.volumes![0].split(':');
      expect(target).toBe('/data');
      expect(compose.volumes).toHaveProperty(volume);
    }
    expect(compose.services.postgres.healthcheck!.test).toContain('pg_isready');
    expect(compose.services.redis.healthcheck!.test).toContain('ping');
  });

  it('publishes port 3000 on the load balancer only, with the HAProxy configuration beside it', () => {
    expect(compose.services.lb.ports).toEqual(['3000:3000']);
    for (const name of [...instances, 'postgres', 'redis']) expect(compose.services[name].ports).toBeUndefined();
    const mount = compose.services.lb.volumes!.find((v) => v.includes('haproxy.cfg'))!;
    expect(existsSync(join(ROOT, 'deploy', mount.split(':')[0]))).toBe(true);
  });

  it('believes X-Forwarded-For from the balancer and the instances only, at their fixed addresses', () => {
    const address = (name: string) => compose.services[name].networks?.default?.ipv4_address;
    const fixed = ['lb', ...instances].map(address);
    for (const name of instances)
      expect(compose.services[name].environment!.ENTROOS_TRUSTED_PROXIES.split(',')).toEqual(fixed);
    // The fixed addresses are in the network, outside the range Docker hands out to the others.
    const [{ subnet, ip_range: dynamic }] = compose.networks!.default.ipam!.config!;
    const prefix = subnet.split('/')[0].split('.').slice(0, 3).join('.');
    expect(dynamic).toBe(`${prefix}.128/25`);
    for (const ip of fixed) {
      expect(ip!.startsWith(`${prefix}.`)).toBe(true);
      expect(Number(ip!.split('.')[3])).toBeLessThan(128);
    }
  });
});

describe('deploy/haproxy.cfg', () => {
  const config = read('deploy/haproxy.cfg');

  it('is valid for haproxy -c', () => {
    const { status, output } = tool('haproxy', ['-c', '-f', 'deploy/haproxy.cfg'], 'haproxy');
    expect(output).toContain('Configuration file is valid');
    expect(status).toBe(0);
  });

  /** Each backend's lines. */
  const backends = Object.fromEntries(
    config
      .split(/^backend /m)
      .slice(1)
      .map((section) => [section.split('\n')[0].trim(), section]),
  );

  it('balances over every instance in each backend, checks /readyz, and keeps long connections open', () => {
    expect(Object.keys(backends).sort()).toEqual(['entroos', 'entroos-tls']);
    for (const backend of Object.values(backends)) {
      const servers = [...backend.matchAll(/^\s*server (\S+) (\S+):(\d+)/gm)].map((m) => ({ name: m[1], port: m[3] }));
      expect(servers.map((s) => s.name)).toEqual(instances);
      for (const s of servers) expect(s.port).toBe(compose.services[s.name].environment!.PORT);
      expect(backend).toMatch(/http-check send meth GET uri \/readyz/);
    }
    expect(config).toMatch(/^\s*timeout server 1h$/m);
    expect(backends.entroos).toMatch(/^\s*timeout tunnel 1h$/m);
    expect(config).toMatch(/^\s*bind :3000$/m);
  });

  it('passes TLS through untouched and adds X-Forwarded-For to plain HTTP', () => {
    expect(backends['entroos-tls']).toMatch(/^\s*mode tcp$/m);
    expect(config).toMatch(/^\s*use_backend entroos-tls if \{ req.ssl_hello_type 1 \}$/m);
    expect(backends.entroos).toMatch(/^\s*mode http$/m);
    expect(backends.entroos).toMatch(/^\s*option forwardfor$/m);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'));
  const stages = instructions.filter((l) => l.startsWith('FROM '));
  const runtime = instructions.slice(instructions.lastIndexOf(stages[stages.length - 1]));

  it('builds in stages on one Node image and runs the standalone build', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    for (const stage of stages) expect(stage).toMatch(/^FROM (\$\{NODE_IMAGE\}|deps) AS \w+$/);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+-bookworm-slim$/m);
    expect(dockerfile).toContain('RUN node scripts/build-standalone.mjs');
    expect(runtime).toContain('COPY --from=build /standalone /app');
    expect(runtime).toContain('CMD ["node", "start.mjs"]');
  });

  it('runs as an unprivileged user with a health check, a data volume and the port', () => {
    const user = runtime.find((l) => l.startsWith('USER '));
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER (root|0)(:|$)/);
    expect(runtime.find((l) => l.startsWith('HEALTHCHECK '))).toContain('/readyz');
    expect(runtime).toContain('VOLUME ["/data"]');
    expect(runtime).toContain('EXPOSE 3000');
    const env = runtime.find((l) => l.startsWith('ENV '))!;
    expect(env).toContain('DATABASE_URL=file:/data/entroos.db');
    for (const [, key] of env.matchAll(/(\w+)=/g)) expect(KNOWN_ENV).toContain(key);
  });

  it('keeps dependencies and builds of the host out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const path of ['node_modules', '.next', '.next-*', 'dist', 'data', 'lib/store/generated'])
      expect(ignored).toContain(path);
  });
});

describe('deploy/entroos.service', () => {
  const unit = read('deploy/entroos.service');
  const value = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);

  it('passes systemd-analyze verify', () => {
    const { status, output } = tool('systemd-analyze', ['verify', 'deploy/entroos.service'], 'systemd');
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('runs the standalone build as its own user, restarts it on failure, and confines it', () => {
    expect(value('User')).toEqual(['entroos']);
    expect(value('EnvironmentFile')).toEqual(['/etc/entroos/entroos.env']);
    expect(value('WorkingDirectory')).toEqual(['/opt/entroos']);
    expect(value('ExecStart')).toEqual(['/usr/bin/node /opt/entroos/start.mjs']);
    // A leader that loses its lease exits for the supervisor to restart it as a follower.
    expect(value('Restart')).toEqual(['on-failure']);
    expect(value('NoNewPrivileges')).toEqual(['yes']);
    expect(value('ProtectSystem')).toEqual(['strict']);
    expect(value('ReadWritePaths')).toEqual(['/var/lib/entroos']);
    expect(value('CapabilityBoundingSet')).toEqual(['']);
  });
});

describe('scripts/install.sh', () => {
  it('is clean for shellcheck', () => {
    const { status, output } = tool('shellcheck', ['scripts/install.sh'], 'shellcheck');
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('says what it would do with --dry-run, and changes nothing', () => {
    const result = spawnSync(
      'bash',
      ['scripts/install.sh', '--dry-run', '--prefix', '/nonexistent/entroos-dry-run', '--from', '/nonexistent/build'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('+ cp -a /nonexistent/build /nonexistent/entroos-dry-run/opt/entroos.new');
    expect(result.stdout).toContain('+ write /nonexistent/entroos-dry-run/etc/entroos/entroos.env');
    expect(existsSync('/nonexistent/entroos-dry-run')).toBe(false);
  });

  it('refuses an unknown option', () => {
    const result = spawnSync('bash', ['scripts/install.sh', '--bogus'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('unknown option --bogus');
  });
});

describe('deploy/prometheus and deploy/grafana', () => {
  const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as {
    rule_files: string[];
    scrape_configs: {
      job_name: string;
      metrics_path: string;
      authorization: { type: string; credentials_file: string };
      static_configs: { targets: string[] }[];
    }[];
  };
  const rules = parse(read('deploy/prometheus/alerts.yml')) as {
    groups: { rules: { alert: string; expr: string; labels: { severity: string } }[] }[];
  };
  const dashboard = JSON.parse(read('deploy/grafana/entroos-dashboard.json')) as {
    panels: { id: number; type: string; targets?: { expr: string }[] }[];
  };

  it('scrapes each instance of the compose file directly, with a bearer token file', () => {
    const [job] = prometheus.scrape_configs;
    expect(job.job_name).toBe('entroos');
    expect(job.metrics_path).toBe('/metrics');
    expect(job.authorization).toEqual({ type: 'Bearer', credentials_file: '/etc/prometheus/entroos.token' });
    expect(job.static_configs[0].targets).toEqual(instances.map((n) => `${n}:3000`));
    for (const file of prometheus.rule_files) expect(existsSync(join(ROOT, 'deploy/prometheus', file))).toBe(true);
  });

  it('has alerts for a down instance, no leader, slow scheduling, watch lag and failing commits', () => {
    const alerts = rules.groups.flatMap((g) => g.rules);
    const names = alerts.map((r) => r.alert);
    for (const name of [
      'EntroOSInstanceDown',
      'EntroOSNoLeader',
      'EntroOSSchedulingSlow',
      'EntroOSWatchCacheLagging',
      'EntroOSStoreCommitsFailing',
    ])
      expect(names).toContain(name);
    for (const rule of alerts) {
      expect(rule.expr).toContain('job="entroos"');
      expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
      // The runbook: docs/deployment.md says what to do about each alert.
      expect(docs, `docs/deployment.md explains ${rule.alert}`).toContain(rule.alert);
    }
  });

  it('has a Grafana dashboard whose panels all query the entroos job', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const queries = dashboard.panels.filter((p) => p.type !== 'row').flatMap((p) => p.targets!.map((t) => t.expr));
    expect(queries.length).toBeGreaterThan(15);
    for (const q of queries) expect(q).toContain('job="entroos"');
  });
});
