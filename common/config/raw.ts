// The format-neutral tree both parsers produce: sections of key/value entries, each with the file and line it
// came from, before any typing. Re-opened sections merge into the first one (later values win), as in MMM.
import type { Pos } from './issues.js';

export type ConfigFormat = 'mmm' | 'yaml';
export type UniqueSectionType = 'monitor' | 'socket';
export type NamedSectionType = 'host' | 'role' | 'check';
export type SectionType = 'global' | UniqueSectionType | NamedSectionType;

export const UNIQUE_SECTIONS: readonly UniqueSectionType[] = ['monitor', 'socket'];
export const NAMED_SECTIONS: readonly NamedSectionType[] = ['host', 'role', 'check'];
/** MMM tools sections: accepted so a shared mmm_common.conf keeps working, otherwise ignored. */
export const IGNORED_SECTIONS: readonly string[] = ['copy_method'];
/** Name of the template section of host and check (MMM's `<host default>`). */
export const TEMPLATE_NAME = 'default';

/** A value as written: one text (MMM lines, YAML scalars) or a list (YAML sequences). */
export type RawValue = { readonly text: string } | { readonly items: readonly string[] };

export interface RawEntry {
  readonly key: string;
  readonly value: RawValue;
  readonly pos: Pos;
}

export interface RawSection {
  readonly type: SectionType;
  /** Undefined for global and unique sections. */
  readonly name: string | undefined;
  /** Where the section was first opened (the main file's line 1 for global). */
  readonly pos: Pos;
  readonly entries: Map<string, RawEntry>;
}

export interface RawTree {
  readonly format: ConfigFormat;
  /** Every file read, the main one first. */
  readonly files: string[];
  readonly global: RawSection;
  readonly unique: Map<UniqueSectionType, RawSection>;
  readonly named: Readonly<Record<NamedSectionType, Map<string, RawSection>>>;
}

export function newTree(format: ConfigFormat, mainFile: string): RawTree {
  return {
    format,
    files: [],
    global: { type: 'global', name: undefined, pos: { file: mainFile, line: 1 }, entries: new Map() },
    unique: new Map(),
    named: { host: new Map(), role: new Map(), check: new Map() },
  };
}

/** Opens (or re-opens) a section and returns it. */
export function openSection(tree: RawTree, type: SectionType, name: string | undefined, pos: Pos): RawSection {
  if (type === 'global') return tree.global;
  if (type === 'monitor' || type === 'socket') {
    let s = tree.unique.get(type);
    if (s === undefined) {
      s = { type, name: undefined, pos, entries: new Map() };
      tree.unique.set(type, s);
    }
    return s;
  }
  const byName = tree.named[type];
  const key = name ?? '';
  let s = byName.get(key);
  if (s === undefined) {
    s = { type, name: key, pos, entries: new Map() };
    byName.set(key, s);
  }
  return s;
}

/** Sets a value; a later one replaces an earlier one but keeps the entry's place in file order. */
export function setEntry(section: RawSection, entry: RawEntry): void {
  section.entries.set(entry.key, entry);
}

export function isUnique(type: string): type is UniqueSectionType {
  return (UNIQUE_SECTIONS as readonly string[]).includes(type);
}

export function isNamed(type: string): type is NamedSectionType {
  return (NAMED_SECTIONS as readonly string[]).includes(type);
}

/** How a section or key is called in messages, in the syntax of the file it was written in. */
export function sectionLabel(format: ConfigFormat, type: SectionType, name: string | undefined): string {
  if (type === 'global') return '';
  if (format === 'mmm') return name === undefined ? `<${type}>` : `<${type} ${name}>`;
  return name === undefined ? type : `${type}s.${name}`;
}

export function keyLabel(format: ConfigFormat, type: SectionType, name: string | undefined, key: string): string {
  const section = sectionLabel(format, type, name);
  if (section === '') return key;
  return format === 'mmm' ? `${section} ${key}` : `${section}.${key}`;
}

export function textOf(value: RawValue): string {
  return 'text' in value ? value.text : value.items.join(', ');
}
