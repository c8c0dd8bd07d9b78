// Config fuzzing beyond the line/character mutations of test/unit/common/config/property.test.ts (whose
// generators and check this reuses): thousands of files per run from valid seeds of both formats, with
// binary garbage, truncation, YAML type swaps, anchors/aliases, deep nesting, huge values and include chains.
// Every load either succeeds or throws MmmError MMM_CONFIG_INVALID naming file:line — never another
// exception, never a stack trace, and never one of the seed's (distinctive) secrets in the message.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig, loadConfigText, type ProgramClass } from '../../../common/config/index.js';
import { MmmError } from '../../../common/errors/index.js';
import { BASE, cleanupTempDirs, tempDir } from '../../unit/common/config/fixture.js';
import { YAML_BASE, check, mmmLine, mutate, mutations, yamlLine } from '../../unit/common/config/mutation.js';

afterAll(cleanupTempDirs);

/** Distinctive secrets put into the seeds: none may ever show up in an error or warning text. */
const SECRETS = {
  agent: 'Agent-Zq8xSecret-7731',
  monitor: 'Mon-Kp2wSecret-4410',
  repl: 'Repl-Vb5nSecret-9902',
  token: 'Tok-Hh3jSecret-0123456789',
};
const SECRET_VALUES = Object.values(SECRETS);

const MMM_SEED = BASE.replace('agent_password agentpass', `agent_password ${SECRETS.agent}`)
  .replace('monitor_password monpass', `monitor_password ${SECRETS.monitor}`)
  .replace('replication_password replpass', `replication_password ${SECRETS.repl}`)
  .replace('token 0123456789abcdef0123', `token ${SECRETS.token}`);
const YAML_SEED = YAML_BASE.replace('agent_password: pw', `agent_password: ${SECRETS.agent}`)
  .replace('monitor_password: pw', `monitor_password: ${SECRETS.monitor}`)
  .replace('replication_password: pw', `replication_password: ${SECRETS.repl}`)
  .replace('token: 0123456789abcdef0123', `token: ${SECRETS.token}`);

const RUNS = Number(process.env['MMM_FUZZ_RUNS'] ?? 2000);
vi.setConfig({ testTimeout: 120_000 });
const program = fc.constantFrom<ProgramClass>('MONITOR', 'AGENT', 'CONTROL');

/** Values that are the wrong type or shape for almost every key, in YAML syntax. */
const yamlValue = fc.oneof(
  fc.constantFrom(
    '[1, 2]',
    '{a: 1}',
    '99999999999999999999999',
    '-1',
    '0x10',
    '.inf',
    '.nan',
    '~',
    'null',
    'true',
    "''",
    '!!binary aGVsbG8=',
    '!!timestamp 2001-12-14',
    '!!python/object:x {}',
    '!custom tag',
    '*nope',
    '&a [*a]',
    '"\\u0000"',
    '"\\x00\\xff"',
    '|\n  block\n  text',
    '>-\n  folded',
    'env:NOT_SET_ANYWHERE',
    'file:/nonexistent/secret',
    'file:relative',
    'env:',
  ),
  fc.string({ maxLength: 40 }),
  fc.integer().map(String),
  fc.double().map(String),
);

/** A YAML seed with the value of one `key: value` line replaced by `value`. */
function swapYamlValue(text: string, at: number, value: string): string {
  const lines = text.split('\n');
  const slots = lines.flatMap((l, i) => (/^\s*[a-z_]+: \S/.test(l) ? [i] : []));
  const i = slots[at % slots.length] ?? 0;
  lines[i] = (lines[i] ?? '').replace(/: .*$/, `: ${value}`);
  return lines.join('\n');
}

/** An MMM seed with the value of one `key value` line replaced. */
function swapMmmValue(text: string, at: number, value: string): string {
  const lines = text.split('\n');
  const slots = lines.flatMap((l, i) => (/^\s+[a-z_]+ \S/.test(l) ? [i] : []));
  const i = slots[at % slots.length] ?? 0;
  lines[i] = (lines[i] ?? '').replace(/^(\s+[a-z_]+) .*$/, `$1 ${value}`);
  return lines.join('\n');
}

/** Byte-level damage: invalid UTF-8, NUL, CR, BOM, control characters, truncation. */
const damage = fc.oneof(
  fc.record({
    kind: fc.constant('bytes' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom('\0', '\r', '\r\n', '\uFEFF', '\u2028', '\t\t', '\u00a0', '\\', '%', '\uD800'),
  }),
);

type Damage = typeof damage extends fc.Arbitrary<infer T> ? T : never;

function applyDamage(text: string, ds: readonly Damage[]): Buffer {
  let buf = Buffer.from(text, 'utf8');
  for (const d of ds) {
    const at = d.at % Math.max(buf.length, 1);
    switch (d.kind) {
      case 'bytes':
        buf = Buffer.concat([buf.subarray(0, at), Buffer.from(d.bytes), buf.subarray(at)]);
        break;
      case 'truncate':
        buf = buf.subarray(0, at);
        break;
      case 'insert':
        buf = Buffer.concat([buf.subarray(0, at), Buffer.from(d.text, 'utf8'), buf.subarray(at)]);
    }
  }
  return buf;
}

/**
 * The secrets that are still written as secret values in a mutated text: every line holding one is
 * `<secret key> <secret>`. A mutation that moved a secret elsewhere (a line of its own, where it is a key, or
 * glued to another key's value by a lost line break) makes it ordinary text, which an error may echo; a key
 * glued to its secret by a lost space is covered (the loader redacts it).
 */
function protectedSecrets(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n|\u2028|\u2029/);
  return SECRET_VALUES.filter((s) =>
    lines.every((l) => !l.includes(s) || /^\s*[a-z_]*(password|token)(\s+|:\s*)$/.test(l.slice(0, l.indexOf(s)))),
  );
}

/** check() of the config tests, plus: no stack trace, no secret, and the same for warnings of a success. */
function checkSafe(text: string, file: string, p: ProgramClass): void {
  check(text, file, p);
  let message: string;
  try {
    const c = loadConfigText(text, file, { program: p, searchPath: [], env: {} });
    message = c.warnings.map((w) => w.message).join('\n');
  } catch (e) {
    message = (e as MmmError).message + JSON.stringify((e as MmmError).details ?? {});
  }
  expect(message).not.toMatch(/\n\s+at .*:\d+:\d+/);
  for (const s of protectedSecrets(text)) expect(message).not.toContain(s);
}

describe('config fuzzing (both formats, thousands of files)', () => {
  const dir = tempDir();

  it('MMM .conf: line, character and value mutations', () => {
    fc.assert(
      fc.property(
        mutations(mmmLine),
        fc.option(fc.tuple(fc.nat(), yamlValue), { nil: undefined }),
        program,
        (ms, swap, p) => {
          const seed = swap === undefined ? MMM_SEED : swapMmmValue(MMM_SEED, swap[0], swap[1].split('\n')[0] ?? '');
          checkSafe(mutate(seed, ms), join(dir, 'mmm_mon.conf'), p);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('YAML: line, character and type-swap mutations', () => {
    fc.assert(
      fc.property(
        mutations(yamlLine),
        fc.array(fc.tuple(fc.nat(), yamlValue), { maxLength: 3 }),
        program,
        (ms, swaps, p) => {
          let seed = YAML_SEED;
          for (const [at, v] of swaps) seed = swapYamlValue(seed, at, v);
          checkSafe(mutate(seed, ms), join(dir, 'mmm_mon.yaml'), p);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('binary damage and truncation, read from disk through loadConfig', () => {
    const file = (ext: string): string => join(dir, `damaged.${ext}`);
    fc.assert(
      fc.property(
        fc.constantFrom('conf', 'yaml'),
        fc.array(damage, { minLength: 1, maxLength: 4 }),
        program,
        (ext, ds, p) => {
          const path = file(ext);
          const bytes = applyDamage(ext === 'conf' ? MMM_SEED : YAML_SEED, ds);
          writeFileSync(path, bytes, { mode: 0o600 });
          try {
            loadConfig({ program: p, path, searchPath: [], env: {} });
          } catch (e) {
            if (!(e instanceof MmmError)) throw new Error(`not an MmmError: ${String(e)}`, { cause: e });
            expect(e.code).toBe('MMM_CONFIG_INVALID');
            for (const line of e.message.split('\n')) expect(line).toMatch(/^\/[^:]+:\d+: /);
            for (const s of protectedSecrets(bytes.toString('utf8'))) expect(e.message).not.toContain(s);
          }
        },
      ),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it.each([
    ['deep flow nesting', `${YAML_SEED}x: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`],
    [
      'deep block nesting',
      `${YAML_SEED}${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')}\n`,
    ],
    [
      'alias explosion',
      `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`).join('\n')}\n${YAML_SEED}`,
    ],
    ['a 1 MB value', YAML_SEED.replace('this: db1', `this: ${'d'.repeat(1_000_000)}`)],
    ['100 000 lines', `${YAML_SEED}${'# c\n'.repeat(100_000)}`],
    ['a key repeated', `${YAML_SEED}this: db2\nthis: db1\n`],
    ['a merge key', `${YAML_SEED}hosts2: {<<: *nope}\n`],
    ['document stream', `${YAML_SEED}---\n${YAML_SEED}`],
    ['top level list', '- a\n- b\n'],
    ['top level scalar', 'just text\n'],
    ['empty file', ''],
  ])('YAML edge case: %s', (_name, text) => {
    for (const p of ['MONITOR', 'AGENT', 'CONTROL'] as const) checkSafe(text, join(dir, 'edge.yaml'), p);
  });

  it.each([
    ['a 1 MB line', MMM_SEED.replace('this db1', `this ${'d'.repeat(1_000_000)}`)],
    ['100 000 sections', `${MMM_SEED}${'<host x>\n</host>\n'.repeat(50_000)}`],
    ['unclosed nested sections', `${MMM_SEED}<host a>\n<host b>\n<role c>\n`],
    ['only closing tags', '</host>\n</monitor>\n'],
    ['empty file', ''],
  ])('MMM edge case: %s', (_name, text) => {
    for (const p of ['MONITOR', 'AGENT', 'CONTROL'] as const) checkSafe(text, join(dir, 'edge.conf'), p);
  });

  it('include chains: self, cycles, depth, missing, directories, damaged included files', () => {
    const d = tempDir({
      'self.conf': 'include self\n',
      'a.conf': 'include b\n',
      'b.conf': 'include a\n',
      'deep0.conf': 'include deep1\n',
      'dir.conf': `include ${dir}\n`,
      'null.conf': 'include /dev/null\n',
      'missing.conf': 'include nowhere\n',
      'self.yaml': 'include: self.yaml\n',
    });
    for (let i = 1; i < 200; i++) writeFileSync(join(d, `deep${i}.conf`), `include deep${i + 1}\n`, { mode: 0o600 });
    writeFileSync(join(d, 'deep200.conf'), MMM_SEED, { mode: 0o600 });
    for (const name of ['self.conf', 'a.conf', 'deep0.conf', 'dir.conf', 'null.conf', 'missing.conf', 'self.yaml']) {
      for (const p of ['MONITOR', 'AGENT'] as const) {
        try {
          loadConfig({ program: p, path: join(d, name), searchPath: [d], env: {} });
        } catch (e) {
          if (!(e instanceof MmmError)) throw new Error(`${name}: not an MmmError: ${String(e)}`, { cause: e });
          expect(e.code).toBe('MMM_CONFIG_INVALID');
          for (const line of e.message.split('\n')) expect(line).toMatch(/^\/[^:]+:\d+: /);
        }
      }
    }
    // damaged included file: the error names the included file, not the including one
    fc.assert(
      fc.property(mutations(mmmLine), program, (ms, p) => {
        writeFileSync(join(d, 'common.conf'), mutate(MMM_SEED, ms), { mode: 0o600 });
        writeFileSync(join(d, 'main.conf'), 'include common\n', { mode: 0o600 });
        try {
          loadConfig({ program: p, path: join(d, 'main.conf'), searchPath: [d], env: {} });
        } catch (e) {
          if (!(e instanceof MmmError)) throw new Error(`not an MmmError: ${String(e)}`, { cause: e });
          for (const line of e.message.split('\n')) expect(line).toMatch(/^\/[^:]+:\d+: /);
          for (const s of protectedSecrets(readFileSync(join(d, 'common.conf'), 'utf8'))) {
            expect(e.message).not.toContain(s);
          }
        }
      }),
      { numRuns: Math.ceil(RUNS / 4) },
    );
  });

  it('a secret key glued to its value by a lost space is not echoed (found by the fuzzer)', () => {
    for (const [text, file] of [
      [MMM_SEED.replace(`agent_password ${SECRETS.agent}`, `agent_password<${SECRETS.agent}`), 'glued.conf'],
      [YAML_SEED.replace(`token: ${SECRETS.token}`, `token${SECRETS.token}: x`), 'glued.yaml'],
    ] as const) {
      let message = '';
      try {
        loadConfigText(text, join(dir, file), { program: 'AGENT', env: {} });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/(agent_password|token)\.\.\.: unknown key/);
      for (const s of SECRET_VALUES) expect(message).not.toContain(s);
    }
  });

  it('a multi-line value in an error stays on its one line (found by the fuzzer)', () => {
    const text = YAML_SEED.replace('mode: master, peer: db2', 'mode: "mas\\nter", peer: db2');
    let message = '';
    try {
      loadConfigText(text, join(dir, 'multiline.yaml'), { program: 'MONITOR', env: {} });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      expect.stringMatching(/:\d+: hosts\.db1\.mode: invalid value 'mas\\u000ater'/),
    ]);
  });

  it('the seeds are valid for every program', () => {
    for (const p of ['MONITOR', 'AGENT', 'CONTROL'] as const) {
      expect(loadConfigText(MMM_SEED, join(dir, 'mmm_mon.conf'), { program: p }).hosts).toHaveLength(3);
      expect(loadConfigText(YAML_SEED, join(dir, 'mmm_mon.yaml'), { program: p }).hosts).toHaveLength(2);
    }
  });
});
