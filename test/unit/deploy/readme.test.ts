// README.md stays true to the code: its table of our configuration keys lists exactly the keys the schema
// marks as extensions (common/config/schema*.ts), and its two opening commands are the npm scripts they
// name.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA } from '../../../common/config/index.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const README = readFileSync(resolve(ROOT, 'README.md'), 'utf8');

function extensionTable(): string {
  const begin = README.indexOf('<!-- extension-keys:begin -->');
  const end = README.indexOf('<!-- extension-keys:end -->');
  if (begin < 0 || end < begin) throw new Error('README.md lost its extension-keys markers');
  return README.slice(begin, end);
}

describe('README.md', () => {
  it('lists every extension key of the config schema, and only those', () => {
    const schema = Object.values(CONFIG_SCHEMA)
      .flat()
      .filter((k) => k.def.extension === true)
      .map((k) => k.def.key)
      .sort();
    const listed = [...extensionTable().matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1] ?? '').sort();
    expect(schema.length).toBeGreaterThan(0);
    // a new key in schema*.ts: add a row to README.md's "Configure" table (key, section, default, description)
    expect(listed).toEqual(schema);
  });

  it('opens with the two commands, and they are the npm scripts the README says', () => {
    const scripts = (
      JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(README).toMatch(/^```bash\nnpm run demo {7}# .+\nnpm test {11}# .+\n```$/m);
    expect(scripts['demo']).toBe('bash scripts/demo.sh');
    expect(scripts['test']).toBe('vitest run');
    expect(scripts['pretest']).toBe('bash scripts/setup.sh');
  });
});
