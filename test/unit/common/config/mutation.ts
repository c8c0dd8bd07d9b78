// Mutations of config text for the property tests (here and in test/security): valid seeds in both formats,
// line and character mutations, and the check that a load either succeeds or fails with file:line errors only.
import fc from 'fast-check';
import { expect } from 'vitest';
import { CONFIG_SCHEMA, loadConfigText, type ProgramClass } from '../../../../common/config/index.js';
import { MmmError } from '../../../../common/errors/index.js';

export const YAML_BASE = `active_master_role: writer
this: db1
monitor:
  ip: 127.0.0.1
  status_path: /var/lib/mmm.status
  ping_ips: [198.19.0.1]
socket: {type: token, token: 0123456789abcdef0123}
hosts:
  default:
    cluster_interface: eth0
    agent_user: a
    agent_password: pw
    monitor_user: m
    monitor_password: pw
    replication_user: r
    replication_password: pw
  db1: {ip: 198.19.0.11, mode: master, peer: db2}
  db2:
    ip: 198.19.0.12
    mode: master
    peer: db1
roles:
  writer: {hosts: [db1, db2], ips: [198.19.0.100], mode: exclusive}
  reader:
    hosts: db1, db2
    ips:
      - 198.19.0.101
    mode: balanced
`;

export const ALL_KEYS = [...new Set(Object.values(CONFIG_SCHEMA).flatMap((keys) => keys.map((k) => k.def.key)))];

export const mmmLine = fc.oneof(
  fc.constantFrom(
    '<host db9>',
    '</host>',
    '<monitor>',
    '</monitor>',
    '<role r/>',
    '<check default>',
    '<socket/>',
    '<host default>',
    '</x>',
    '<',
    '< host >',
    '<host a b>',
  ),
  fc.constantFrom(
    'include nope',
    'include mmm_mon',
    'include /dev/null',
    'debug',
    'this db9',
    '#',
    '   ',
    'ips 198.19.0.11',
    'peer db1',
  ),
  fc.tuple(fc.constantFrom(...ALL_KEYS, 'include', 'host'), fc.string({ maxLength: 20 })).map(([k, v]) => `${k} ${v}`),
  fc.string({ maxLength: 30 }),
);

export const yamlLine = fc.oneof(
  fc.constantFrom(
    'hosts:',
    '  db3:',
    '    ip: [a, b]',
    'roles: {',
    '- x',
    '&a b: *a',
    'include: nope.yaml',
    'include: mmm_mon.yaml',
    '---',
    'key: "unterminated',
    '  ? complex',
  ),
  fc
    .tuple(fc.constantFrom('', '  ', '    '), fc.constantFrom(...ALL_KEYS), fc.string({ maxLength: 15 }))
    .map(([i, k, v]) => `${i}${k}: ${v}`),
  fc.string({ maxLength: 30 }),
);

export type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'duplicate'; at: number }
  | { kind: 'insert'; at: number; line: string }
  | { kind: 'char'; at: number; ch: string };

export const mutations = (line: fc.Arbitrary<string>): fc.Arbitrary<Mutation[]> =>
  fc.array(
    fc.oneof(
      fc.record({ kind: fc.constantFrom('delete' as const, 'duplicate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), line }),
      fc.record({
        kind: fc.constant('char' as const),
        at: fc.nat(),
        ch: fc.constantFrom('<', '>', '/', '#', ' ', '\t', ',', ':', '-', '[', '{', '"', "'", '*', '&', '\n', 'x', '0'),
      }),
    ),
    { minLength: 1, maxLength: 6 },
  );

export function mutate(text: string, ms: readonly Mutation[]): string {
  let lines = text.split('\n');
  for (const m of ms) {
    const at = m.at % Math.max(lines.length, 1);
    switch (m.kind) {
      case 'delete':
        lines.splice(at, 1);
        break;
      case 'duplicate':
        lines.splice(at, 0, lines[at] ?? '');
        break;
      case 'insert':
        lines.splice(at, 0, m.line);
        break;
      case 'char': {
        const joined = lines.join('\n');
        const pos = m.at % Math.max(joined.length, 1);
        lines = (joined.slice(0, pos) + m.ch + joined.slice(pos + 1)).split('\n');
      }
    }
  }
  return lines.join('\n');
}

export function check(text: string, file: string, program: ProgramClass): void {
  try {
    const c = loadConfigText(text, file, { program, searchPath: [], env: {} });
    expect(Object.isFrozen(c)).toBe(true);
  } catch (e) {
    if (!(e instanceof MmmError)) throw new Error(`not an MmmError: ${String(e)}\n--- text ---\n${text}`, { cause: e });
    expect(e.code).toBe('MMM_CONFIG_INVALID');
    const errors = e.details?.['errors'] as { file: string; line: number }[];
    expect(errors.length).toBeGreaterThan(0);
    for (const err of errors) {
      expect(err.file.length).toBeGreaterThan(0);
      expect(Number.isInteger(err.line) && err.line >= 1).toBe(true);
    }
    for (const line of e.message.split('\n')) expect(line).toMatch(/^\/[^:]+:\d+: /);
  }
}
