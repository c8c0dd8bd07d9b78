// Parser of MMM 2.2.1 .conf text (spec §7.2) into the raw tree. Line-based: `# comment`, `key value`,
// `<monitor>`/`<socket>` unique sections, `<host NAME>`/`<role NAME>`/`<check NAME>` named sections, the empty
// forms `<name/>` and `<type NAME/>`, `</any>` closes, `include FILE` at the top level (the loader resolves it).
// Differences from MMM, all reported: a trailing ` # ...` after whitespace is stripped with a warning (MMM kept
// it in the value); a stray `</x>` is an error (MMM silently stopped reading the file); an unclosed section at
// the end of a file is a warning (MMM accepted it); a closing tag naming another section is a warning.
import type { Issues, Pos } from './issues.js';
import { keyLabel, openSection, sectionLabel, type RawSection, type RawTree } from './raw.js';
import { acceptKey, checkHeader } from './sections.js';

/** Called for `include NAME` at the top level; loads the file into the same tree before parsing goes on. */
export type MmmIncludeHook = (name: string, pos: Pos) => void;

const COMMENT = /^\s*(#|$)/;
const CLOSE = /^\s*<\/\s*(\w+)\s*>$/;
const OPEN_UNIQUE = /^\s*<\s*(\w+)\s*(\/?)>$/;
const OPEN_NAMED = /^\s*<\s*(\w+)\s+([\w-]+)\s*(\/?)>$/;
const VARIABLE = /^\s*(\S+)(?:\s+(.*))?$/;

/** Open section while parsing: a real one, or a tools section whose lines are skipped. */
type Current =
  { readonly section: RawSection; readonly line: number } | { readonly ignored: string; readonly line: number };

export function parseMmm(source: string, file: string, tree: RawTree, issues: Issues, include: MmmIncludeHook): void {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  let current: Current | undefined;
  const label = (c: Current): string =>
    'section' in c ? sectionLabel('mmm', c.section.type, c.section.name) : `<${c.ignored}>`;

  for (let i = 0; i < lines.length; i++) {
    const pos: Pos = { file, line: i + 1 };
    const rawLine = lines[i] ?? '';
    if (COMMENT.test(rawLine)) continue;
    const { line, stripped } = stripTrailingComment(rawLine);

    const close = CLOSE.exec(line);
    if (close !== null) {
      if (current === undefined) {
        issues.error(pos, `</${close[1] ?? ''}>`, 'closing tag without an open section');
      } else {
        const openType = 'section' in current ? current.section.type : current.ignored;
        if (close[1] !== openType) {
          issues.warn(pos, `</${close[1] ?? ''}>`, `closes ${label(current)} opened on line ${String(current.line)}`);
        }
        current = undefined;
      }
      if (stripped) warnStripped(issues, pos, undefined);
      continue;
    }

    const header = OPEN_NAMED.exec(line) ?? OPEN_UNIQUE.exec(line);
    if (header !== null) {
      const named = header.length === 4;
      const type = header[1] ?? '';
      const name = named ? header[2] : undefined;
      const empty = (named ? header[3] : header[2]) === '/';
      if (current !== undefined) {
        const tag = name === undefined ? `<${type}>` : `<${type} ${name}>`;
        issues.error(
          pos,
          tag,
          `section opened inside ${label(current)} (line ${String(current.line)}); close that one first`,
        );
        current = undefined;
      }
      const check = checkHeader('mmm', type, name, pos, issues);
      if (check.kind === 'section') {
        const section = openSection(tree, check.type, name, pos);
        if (!empty) current = { section, line: i + 1 };
      } else if (!empty) {
        current = { ignored: type, line: i + 1 }; // tools section, or an invalid one already reported: skip its body
      }
      if (stripped) warnStripped(issues, pos, undefined);
      continue;
    }

    if (/^\s*</.test(line)) {
      issues.error(
        pos,
        undefined,
        'invalid section tag; expected <type>, <type NAME>, </type> or an empty form like <type NAME/>',
      );
      continue;
    }

    const m = VARIABLE.exec(line);
    const key = m?.[1] ?? '';
    const value = (m?.[2] ?? '').trimEnd();
    if (current !== undefined && !('section' in current)) continue;
    const section = current?.section ?? tree.global;
    if (stripped) warnStripped(issues, pos, keyLabel('mmm', section.type, section.name, key));
    if (key === 'include') parseInclude(value, pos, current, issues, include);
    else acceptKey('mmm', section, key, { text: value }, pos, issues);
  }

  if (current !== undefined) {
    issues.warn({ file, line: current.line }, label(current), `section is not closed before the end of ${file}`);
  }
}

function parseInclude(
  value: string,
  pos: Pos,
  current: Current | undefined,
  issues: Issues,
  include: MmmIncludeHook,
): void {
  if (current !== undefined) {
    issues.error(
      pos,
      'include',
      `include is only allowed outside sections (inside ${'section' in current ? sectionLabel('mmm', current.section.type, current.section.name) : current.ignored})`,
    );
    return;
  }
  const parts = value.split(/\s+/).filter((p) => p !== '');
  if (parts.length !== 1 || parts[0] === undefined) {
    issues.error(pos, 'include', 'expected exactly one file name');
    return;
  }
  include(parts[0], pos);
}

/** Removes a trailing `#...` that follows whitespace (the tutorial habit `ip 192.168.1.161 # db1`). */
export function stripTrailingComment(line: string): { line: string; stripped: boolean } {
  const m = /\s#/.exec(line);
  if (m === null) return { line: line.trimEnd(), stripped: false };
  return { line: line.slice(0, m.index).trimEnd(), stripped: true };
}

function warnStripped(issues: Issues, pos: Pos, key: string | undefined): void {
  // The removed text is not echoed: it might be the tail of a password.
  issues.warn(
    pos,
    key,
    'trailing comment removed (MMM 2.2.1 kept it as part of the line); write comments on their own line',
  );
}
