// The schema is the one description of every key: it must be internally consistent, its defaults must be
// values its own kinds accept, and the README's key tables must be exactly what it generates.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, describeSchema, loadConfigText } from '../../../../common/config/index.js';
import type { ParseEnv } from '../../../../common/config/kinds.js';
import { BASE } from './fixture.js';

const README = fileURLToPath(new URL('../../../../common/config/README.md', import.meta.url));
const noEnv: ParseEnv = { env: {}, readSecretFile: () => '', literalSecret: () => undefined };

describe('schema', () => {
  it('has unique keys per section, each described', () => {
    for (const [section, keys] of Object.entries(CONFIG_SCHEMA)) {
      const names = keys.map((k) => k.def.key);
      expect(new Set(names).size, section).toBe(names.length);
      for (const k of keys) expect(k.def.description.length, `${section}.${k.def.key}`).toBeGreaterThan(10);
    }
  });

  it('has defaults its own kinds accept and print back unchanged', () => {
    for (const keys of Object.values(CONFIG_SCHEMA)) {
      for (const { def } of keys) {
        if (def.default === undefined) continue;
        const shown = def.kind.show(def.default);
        expect(shown, def.key).toBeDefined();
        const parsed = def.kind.parse({ text: String(shown) }, noEnv, { file: 'x', line: 1 }, def.key);
        expect(parsed, def.key).toEqual({ ok: true, value: def.default });
      }
    }
  });

  it('fills every field of the Config sections', () => {
    const c = loadConfigText(BASE, 'mmm_mon.conf', { program: 'MONITOR' });
    const fields = (section: keyof typeof CONFIG_SCHEMA): string[] =>
      [...new Set(CONFIG_SCHEMA[section].map((k) => k.path[0] ?? ''))].sort();
    expect(Object.keys(c.hosts[0] ?? {}).sort()).toEqual(['name', ...fields('host')].sort());
    expect(Object.keys(c.roles[0] ?? {}).sort()).toEqual(['name', ...fields('role')].sort());
    expect(Object.keys(c.checks.ping).sort()).toEqual(['name', ...fields('check')].sort());
    expect(Object.keys(c.monitor ?? {}).sort()).toEqual(fields('monitor'));
    expect(Object.keys(c.socket).sort()).toEqual(fields('socket'));
  });

  it('is what common/config/README.md documents', () => {
    const readme = readFileSync(README, 'utf8');
    const between = /<!-- schema:begin -->\n([\s\S]*)<!-- schema:end -->/.exec(readme)?.[1];
    expect(between).toBe(describeSchema());
  });
});
