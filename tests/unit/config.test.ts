import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@/lib/config.ts';

const emptyDir = () => mkdtempSync(join(tmpdir(), 'entroos-config-'));

describe('loadConfig', () => {
  it('uses the embedded defaults with no settings', () => {
    const config = loadConfig({}, emptyDir());
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.databaseUrl).toBe('file:./data/entroos.db');
    expect(config.adminPassword).toBeUndefined();
  });

  it('reads environment variables and coerces numbers', () => {
    const config = loadConfig(
      { PORT: '8080', DATABASE_URL: 'postgresql://u@h:5432/db', ENTROOS_RATE_LIMIT_QPS: '2.5' },
      emptyDir(),
    );
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBe('postgresql://u@h:5432/db');
    expect(config.rateLimitQps).toBe(2.5);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT must be a whole number between 0 and 65535 \(got "abc"\)/],
    [{ PORT: '70000' }, /PORT must be at most 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a SQLite URL .* or a PostgreSQL URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of "fatal"/],
    [{ ENTROOS_ADMIN_PASSWORD: 'short' }, /ENTROOS_ADMIN_PASSWORD must be at least 8 characters \(got "\*\*\*"\)/],
  ])('rejects %o with one clear line', (env, message) => {
    expect(() => loadConfig(env, emptyDir())).toThrow(ConfigError);
    try {
      loadConfig(env, emptyDir());
    } catch (err) {
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('reads entroos.config.json, with the environment winning', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'entroos.config.json'), JSON.stringify({ port: 4000, logLevel: 'debug' }));
    expect(loadConfig({}, dir)).toMatchObject({ port: 4000, logLevel: 'debug' });
    expect(loadConfig({ PORT: '5000' }, dir)).toMatchObject({ port: 5000, logLevel: 'debug' });
  });

  it('names the config file key and unknown keys', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, 'entroos.config.json'), JSON.stringify({ port: 'x' }));
    expect(() => loadConfig({}, dir)).toThrow(/"port" in the config file must be a whole number/);
    writeFileSync(join(dir, 'entroos.config.json'), JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({}, dir)).toThrow(/unknown setting "prot"/);
    writeFileSync(join(dir, 'entroos.config.json'), '{ nope');
    expect(() => loadConfig({}, dir)).toThrow(/not valid JSON/);
  });

  it('takes scheduler profiles from the config file and names a bad field inside them', () => {
    const dir = emptyDir();
    const scheduler = { defaultProfile: 'tight', profiles: [{ name: 'tight', scores: [{ name: 'Pack', weight: 1 }] }] };
    writeFileSync(join(dir, 'entroos.config.json'), JSON.stringify({ scheduler }));
    expect(loadConfig({}, dir).scheduler).toMatchObject({
      defaultProfile: 'tight',
      cpuWeight: 0.5,
      profiles: [{ name: 'tight', percentageOfNodesToScore: 0 }],
    });
    writeFileSync(
      join(dir, 'entroos.config.json'),
      JSON.stringify({
        scheduler: { ...scheduler, profiles: [{ name: 'tight', scores: [{ name: 'Pack', weight: -1 }] }] },
      }),
    );
    expect(() => loadConfig({}, dir)).toThrow(
      /"scheduler" in the config file \(at profiles\.0\.scores\.0\.weight\) must be/,
    );
    expect(() => loadConfig({ ENTROOS_SCHEDULER_CONFIG: '{nope' }, emptyDir())).toThrow(
      /ENTROOS_SCHEDULER_CONFIG must be JSON/,
    );
  });

  it('fails when ENTROOS_CONFIG names a missing file', () => {
    expect(() => loadConfig({ ENTROOS_CONFIG: 'missing.json' }, emptyDir())).toThrow(
      /ENTROOS_CONFIG: file .*missing.json does not exist/,
    );
  });
});
