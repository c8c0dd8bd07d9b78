// From the raw tree to typed sections, driven by the schema: parse every value by its kind, fill keys missing
// in a `<host NAME>`/`<check NAME>` from its `default` template, then defaults, then report required keys
// that are still missing for this program. Remembers where each value came from for later validation.
import type { Issues, Pos } from './issues.js';
import type { ParseEnv } from './kinds.js';
import {
  TEMPLATE_NAME,
  keyLabel,
  sectionLabel,
  type ConfigFormat,
  type RawSection,
  type RawTree,
  type SectionType,
} from './raw.js';
import { assemble, isRequired, type FlatKey } from './schema-def.js';
import { CONFIG_SCHEMA, type GlobalFields } from './schema.js';
import {
  CHECK_NAMES,
  type CheckConfig,
  type CheckName,
  type HostConfig,
  type MonitorConfig,
  type ProgramClass,
  type RoleConfig,
  type SocketConfig,
} from './types.js';

export const PROGRAM_NAMES: Readonly<Record<ProgramClass, string>> = {
  MONITOR: 'mmm_mond',
  AGENT: 'mmm_agentd',
  CONTROL: 'mmm_control',
};

export interface BuildContext {
  readonly program: ProgramClass;
  readonly issues: Issues;
  readonly env: ParseEnv;
}

/** Where each key's effective value was written (absent for defaults), and where each section starts. */
export class Positions {
  readonly #map = new Map<string, Pos>();
  readonly format: ConfigFormat;
  constructor(format: ConfigFormat) {
    this.format = format;
  }

  set(type: SectionType, name: string | undefined, key: string, pos: Pos): void {
    this.#map.set(`${type}\0${name ?? ''}\0${key}`, pos);
  }

  /** Whether the key was written (in its section or the template) rather than defaulted. */
  has(type: SectionType, name: string | undefined, key: string): boolean {
    return this.#map.has(`${type}\0${name ?? ''}\0${key}`);
  }

  /** Position of the key, else of its section. */
  of(type: SectionType, name: string | undefined, key?: string): Pos | undefined {
    return (
      (key === undefined ? undefined : this.#map.get(`${type}\0${name ?? ''}\0${key}`)) ??
      this.#map.get(`${type}\0${name ?? ''}\0`)
    );
  }

  label(type: SectionType, name: string | undefined, key?: string): string {
    return key === undefined ? sectionLabel(this.format, type, name) : keyLabel(this.format, type, name, key);
  }
}

export interface BuiltSections {
  readonly global: GlobalFields;
  readonly monitor: MonitorConfig | undefined;
  readonly socket: SocketConfig;
  readonly hosts: readonly HostConfig[];
  readonly roles: readonly RoleConfig[];
  readonly checks: Readonly<Record<CheckName, CheckConfig>>;
  readonly positions: Positions;
}

interface Value {
  readonly value: unknown;
  readonly pos: Pos;
}

type Parsed = ReadonlyMap<string, Value>;

interface Template {
  readonly values: Parsed | undefined;
  readonly invalid: ReadonlySet<string>;
}

export function buildSections(tree: RawTree, ctx: BuildContext): BuiltSections {
  const positions = new Positions(tree.format);
  const mainPos: Pos = tree.global.pos;
  // Each section object is assembled from CONFIG_SCHEMA[type], whose SectionSchema<T> typing guarantees the shape.
  const section = (
    type: SectionType,
    name: string | undefined,
    raw: RawSection | undefined,
    template?: Template,
  ): unknown => {
    positions.set(type, name, '', raw?.pos ?? mainPos);
    const invalid = new Set<string>(template?.invalid);
    const own = parseEntries(tree.format, type, name, raw, ctx, invalid);
    return fill(type, name, raw?.pos ?? mainPos, own, template?.values, invalid, ctx, positions);
  };
  // A template's invalid values are reported once, at the template, not again as "missing" in every section.
  const templateOf = (type: 'host' | 'check'): Template => {
    const raw = tree.named[type].get(TEMPLATE_NAME);
    const invalid = new Set<string>();
    const values = raw === undefined ? undefined : parseEntries(tree.format, type, TEMPLATE_NAME, raw, ctx, invalid);
    return { values, invalid };
  };

  const global = section('global', undefined, tree.global) as GlobalFields;

  const monitorRaw = tree.unique.get('monitor');
  if (monitorRaw === undefined && ctx.program !== 'AGENT') {
    ctx.issues.error(
      mainPos,
      sectionLabel(tree.format, 'monitor', undefined),
      `missing section; required by ${PROGRAM_NAMES[ctx.program]}`,
    );
  }
  const monitor = monitorRaw === undefined ? undefined : (section('monitor', undefined, monitorRaw) as MonitorConfig);
  const socket = section('socket', undefined, tree.unique.get('socket')) as SocketConfig;

  const hostTemplate = templateOf('host');
  const hosts = [...tree.named.host.values()]
    .filter((s) => s.name !== TEMPLATE_NAME)
    .map((s): HostConfig => ({
      name: s.name ?? '',
      ...(section('host', s.name, s, hostTemplate) as Omit<HostConfig, 'name'>),
    }));
  if (hosts.length === 0) {
    ctx.issues.error(
      mainPos,
      undefined,
      `no ${tree.format === 'mmm' ? '<host NAME> section' : 'hosts: entry'}; at least one host is required`,
    );
  }

  const roles = [...tree.named.role.values()].map((s): RoleConfig => ({
    name: s.name ?? '',
    ...(section('role', s.name, s) as Omit<RoleConfig, 'name'>),
  }));
  if (roles.length === 0 && ctx.program !== 'CONTROL') {
    ctx.issues.error(
      mainPos,
      undefined,
      `no ${tree.format === 'mmm' ? '<role NAME> section' : 'roles: entry'}; at least one role is required by ${PROGRAM_NAMES[ctx.program]}`,
    );
  }

  const checkTemplate = templateOf('check');
  for (const s of tree.named.check.values()) {
    const name = s.name ?? '';
    if (name !== TEMPLATE_NAME && !(CHECK_NAMES as readonly string[]).includes(name)) {
      ctx.issues.error(
        s.pos,
        sectionLabel(tree.format, 'check', name),
        `unknown check; expected ${CHECK_NAMES.join(', ')} or ${TEMPLATE_NAME}`,
      );
    }
  }
  const checks = Object.fromEntries(
    CHECK_NAMES.map((name) => [
      name,
      { name, ...(section('check', name, tree.named.check.get(name), checkTemplate) as Omit<CheckConfig, 'name'>) },
    ]),
  ) as Record<CheckName, CheckConfig>;

  return { global, monitor, socket, hosts, roles, checks, positions };
}

function parseEntries(
  format: ConfigFormat,
  type: SectionType,
  name: string | undefined,
  raw: RawSection | undefined,
  ctx: BuildContext,
  invalid: Set<string>,
): Parsed {
  const out = new Map<string, Value>();
  for (const entry of raw?.entries.values() ?? []) {
    const k = CONFIG_SCHEMA[type].find((x) => x.def.key === entry.key);
    if (k === undefined) continue;
    const label = keyLabel(format, type, name, entry.key);
    const p = k.def.kind.parse(entry.value, ctx.env, entry.pos, label);
    if (p.ok) out.set(entry.key, { value: p.value, pos: entry.pos });
    else {
      invalid.add(entry.key);
      ctx.issues.error(entry.pos, label, `${p.problem}; expected ${k.def.kind.expected}`);
    }
  }
  return out;
}

function fill(
  type: SectionType,
  name: string | undefined,
  sectionPos: Pos,
  own: Parsed,
  template: Parsed | undefined,
  invalid: ReadonlySet<string>,
  ctx: BuildContext,
  positions: Positions,
): unknown {
  const keys = CONFIG_SCHEMA[type];
  const values = new Map<string, unknown>();
  const texts = new Map<string, string>(); // written or defaulted values, for requiredIf
  const missing: FlatKey[] = [];
  for (const k of keys) {
    const v = own.get(k.def.key) ?? template?.get(k.def.key);
    if (v !== undefined) {
      values.set(k.path.join('.'), v.value);
      texts.set(k.def.key, asText(v.value));
      positions.set(type, name, k.def.key, v.pos);
    } else {
      values.set(k.path.join('.'), k.def.default ?? k.def.kind.empty);
      if (k.def.default !== undefined) texts.set(k.def.key, asText(k.def.default));
      else if (!invalid.has(k.def.key)) missing.push(k);
    }
  }
  for (const k of missing) {
    if (!isRequired(k.def, ctx.program, texts)) continue;
    const why =
      k.def.requiredIf === undefined
        ? `required by ${PROGRAM_NAMES[ctx.program]}`
        : `required by ${k.def.requiredIf.key} ${k.def.requiredIf.value}`;
    const hint =
      type === 'host' ? ` (set it in ${positions.label(type, name)} or ${positions.label(type, TEMPLATE_NAME)})` : '';
    ctx.issues.error(sectionPos, positions.label(type, name, k.def.key), `missing; ${why}${hint}`);
  }
  return assemble(keys, values);
}

/** Text of a scalar value, for comparing with requiredIf (only enum keys are compared). */
function asText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}
