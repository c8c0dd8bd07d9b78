// What both parsers do with a section header or a key once they have read it: check it against the schema
// and put it into the raw tree, or report precisely why not (with a "did you mean" where it helps).
import type { Issues, Pos } from './issues.js';
import {
  IGNORED_SECTIONS,
  NAMED_SECTIONS,
  UNIQUE_SECTIONS,
  isNamed,
  isUnique,
  keyLabel,
  sectionLabel,
  setEntry,
  type ConfigFormat,
  type RawSection,
  type RawValue,
  type SectionType,
} from './raw.js';
import { CONFIG_SCHEMA, IGNORED_KEYS } from './schema.js';
import { orList } from './kinds.js';

export type HeaderCheck =
  | { readonly kind: 'section'; readonly type: SectionType }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'invalid' };

const ALL_TYPES = [...UNIQUE_SECTIONS, ...NAMED_SECTIONS];

/** Checks `<type>` / `<type name>` (MMM) or a YAML section key against the known section types. */
export function checkHeader(
  format: ConfigFormat,
  type: string,
  name: string | undefined,
  pos: Pos,
  issues: Issues,
): HeaderCheck {
  const label = format === 'mmm' ? (name === undefined ? `<${type}>` : `<${type} ${name}>`) : type;
  if (IGNORED_SECTIONS.includes(type)) return { kind: 'ignored' };
  if (isUnique(type)) {
    if (name === undefined) return { kind: 'section', type };
    issues.error(pos, label, `section ${type} takes no name; expected <${type}>`);
    return { kind: 'invalid' };
  }
  if (isNamed(type)) {
    if (name !== undefined) return { kind: 'section', type };
    issues.error(pos, label, `section ${type} needs a name; expected <${type} NAME>`);
    return { kind: 'invalid' };
  }
  issues.error(pos, label, `unknown section type '${type}'; expected ${orList(ALL_TYPES)}`);
  return { kind: 'invalid' };
}

/** Puts key/value into the section, or reports an unknown key. Ignored tools keys are dropped silently. */
export function acceptKey(
  format: ConfigFormat,
  section: RawSection,
  key: string,
  value: RawValue,
  pos: Pos,
  issues: Issues,
): void {
  const known = CONFIG_SCHEMA[section.type].some((k) => k.def.key === key);
  if (known) {
    setEntry(section, { key, value, pos });
    return;
  }
  if (IGNORED_KEYS[section.type]?.includes(key) === true) return;
  const shown = redactGluedSecret(key);
  issues.error(
    pos,
    keyLabel(format, section.type, section.name, shown),
    unknownKeyMessage(format, section.type, shown),
  );
}

/**
 * An unknown key that starts with a secret key's name is almost always that key glued to its value by a lost
 * space (`agent_password<secret`): the rest is never echoed.
 */
function redactGluedSecret(key: string): string {
  const m = /^([a-z_]*?(?:password|token))./i.exec(key);
  return m?.[1] === undefined ? key : `${m[1]}...`;
}

function unknownKeyMessage(format: ConfigFormat, type: SectionType, key: string): string {
  if ((ALL_TYPES as readonly string[]).includes(key)) {
    const form =
      format === 'mmm'
        ? isNamed(key)
          ? `<${key} NAME> ... </${key}>`
          : `<${key}> ... </${key}>`
        : `${key}${isNamed(key) ? 's' : ''}:`;
    return type === 'global'
      ? `'${key}' is a section, not a key; expected ${form}`
      : `sections cannot be nested; expected ${form} outside ${sectionLabel(format, type, isNamed(type) ? 'NAME' : undefined)}`;
  }
  const home = (Object.keys(CONFIG_SCHEMA) as SectionType[]).find(
    (t) => t !== type && CONFIG_SCHEMA[t].some((k) => k.def.key === key),
  );
  const here = type === 'global' ? 'the top level' : sectionLabel(format, type, isNamed(type) ? 'NAME' : undefined);
  if (home !== undefined) {
    const where = home === 'global' ? 'the top level' : sectionLabel(format, home, isNamed(home) ? 'NAME' : undefined);
    return `unknown key in ${here}; it belongs in ${where}`;
  }
  const keys = CONFIG_SCHEMA[type].map((k) => k.def.key);
  const near = keys.filter((k) => distance(k, key) <= 2);
  if (near.length > 0) return `unknown key; did you mean ${orList(near.map((k) => `'${k}'`))}?`;
  return `unknown key; expected one of ${keys.join(', ')}`;
}

/** Levenshtein distance, for suggestions. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
