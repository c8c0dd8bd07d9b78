// Types of the schema table (schema.ts) and the helpers that walk it. A section schema maps every field of
// the typed section (HostConfig, MonitorConfig, ...) to the key that sets it, so the compiler checks that the
// table covers the whole Config shape and that each key's kind yields the field's type.
import type { ProgramClass } from './types.js';
import type { Kind } from './kinds.js';

export interface KeyDef<V> {
  /** The key as written in both formats (snake_case, MMM's names). */
  readonly key: string;
  readonly kind: Kind<V>;
  readonly default?: V;
  /** Programs that refuse to start without it (MMM's per-program requiredness). */
  readonly required?: readonly ProgramClass[];
  /** Required only while another key of the same section has this value (MMM's `deprequired`). */
  readonly requiredIf?: { readonly key: string; readonly value: string };
  readonly description: string;
  /** Unit shown in documentation, e.g. 's'. */
  readonly unit?: string;
  /** Our key, not in MMM 2.2.1. */
  readonly extension?: boolean;
}

/** Keys whose fields live in a nested object (monitor failover settings, agent settings). */
export interface GroupDef<T> {
  readonly group: SectionSchema<T>;
}

export type SectionSchema<T> = { readonly [K in keyof T]-?: KeyDef<T[K]> | GroupDef<T[K]> };

/** One key with the field path it fills, e.g. ['failover', 'catchupTimeout']. */
export interface FlatKey {
  readonly path: readonly string[];
  readonly def: KeyDef<unknown>;
}

function isGroup(x: unknown): x is GroupDef<unknown> {
  return typeof x === 'object' && x !== null && 'group' in x;
}

export function flattenSchema<T>(schema: SectionSchema<T>, prefix: readonly string[] = []): FlatKey[] {
  const out: FlatKey[] = [];
  for (const [field, entry] of Object.entries(schema)) {
    if (isGroup(entry)) out.push(...flattenSchema(entry.group, [...prefix, field]));
    else out.push({ path: [...prefix, field], def: entry as KeyDef<unknown> });
  }
  return out;
}

/** Builds the section object from values keyed by field path (joined with '.'); the caller knows its type. */
export function assemble(keys: readonly FlatKey[], values: ReadonlyMap<string, unknown>): unknown {
  const root: Record<string, unknown> = {};
  for (const k of keys) {
    let obj = root;
    for (const p of k.path.slice(0, -1)) {
      const next = (obj[p] ?? {}) as Record<string, unknown>;
      obj[p] = next;
      obj = next;
    }
    const leaf = k.path[k.path.length - 1] ?? '';
    obj[leaf] = values.get(k.path.join('.'));
  }
  return root;
}

/** Reads a field back by path (for rendering a built Config). */
export function fieldValue(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

export function isRequired(
  def: KeyDef<unknown>,
  program: ProgramClass,
  sectionValues: ReadonlyMap<string, string>,
): boolean {
  if (def.requiredIf !== undefined) {
    if (sectionValues.get(def.requiredIf.key) !== def.requiredIf.value) return false;
    return def.required === undefined || def.required.includes(program);
  }
  return def.required?.includes(program) ?? false;
}
