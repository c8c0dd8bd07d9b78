// Parser of our native YAML format into the raw tree, with a line for every key (from js-yaml's event offsets).
// Layout: top-level keys as MMM's globals; `monitor:` and `socket:` mappings; `hosts:`, `roles:`, `checks:`
// mappings of NAME → settings, in file order (a `default` entry is the template, as in MMM); optional
// `include: FILE` or a list of files (resolved like MMM includes, without appending an extension).
import { EVENT_ID, YAMLException, getScalarValue, parseEvents, type Event } from 'js-yaml';
import type { Issues, Pos } from './issues.js';
import { keyLabel, openSection, sectionLabel, type RawSection, type RawTree, type RawValue } from './raw.js';
import { acceptKey, checkHeader } from './sections.js';

type YNode =
  | { readonly t: 'map'; readonly at: number; readonly entries: { key: string; at: number; value: YNode }[] }
  | { readonly t: 'seq'; readonly at: number; readonly items: YNode[] }
  | { readonly t: 'scalar'; readonly at: number; readonly text: string | null };

export type YamlIncludeHook = (name: string, pos: Pos) => void;

const PLURAL: Readonly<Record<string, 'host' | 'role' | 'check'>> = { hosts: 'host', roles: 'role', checks: 'check' };

export function parseYaml(source: string, file: string, tree: RawTree, issues: Issues, include: YamlIncludeHook): void {
  const lineOf = lineIndex(source);
  const posAt = (offset: number): Pos => ({ file, line: lineOf(offset) });
  let root: YNode | undefined;
  try {
    root = compose(source, parseEvents(source, { filename: file }), posAt);
  } catch (e) {
    const line = e instanceof YAMLException && e.mark !== undefined ? e.mark.line + 1 : 1;
    const reason = e instanceof YAMLException ? e.reason : e instanceof ComposeError ? e.message : String(e);
    issues.fatal(e instanceof ComposeError ? e.pos : { file, line }, undefined, `invalid YAML: ${reason}`);
    return;
  }
  if (root?.t !== 'map') {
    issues.fatal(posAt(root?.at ?? 0), undefined, 'expected a mapping of configuration keys at the top level');
    return;
  }
  for (const { key, at, value } of root.entries) {
    const pos = posAt(at);
    if (key === 'include') {
      const names =
        value.t === 'scalar'
          ? [value.text]
          : value.t === 'seq'
            ? value.items.map((n) => (n.t === 'scalar' ? n.text : null))
            : [null];
      for (const n of names) {
        if (n === null || n === '') issues.error(pos, 'include', 'expected a file name or a list of file names');
        else include(n, pos);
      }
    } else if (key === 'monitor' || key === 'socket') {
      if (checkHeader('yaml', key, undefined, pos, issues).kind === 'section') {
        fillSection(openSection(tree, key, undefined, pos), value, posAt, issues);
      }
    } else if (PLURAL[key] !== undefined) {
      parseNamed(tree, PLURAL[key], key, value, posAt, issues);
    } else if (key === 'host' || key === 'role' || key === 'check') {
      issues.error(pos, key, `expected ${key}s: (a mapping of NAME to its settings)`);
    } else {
      acceptValue(tree.global, key, value, pos, posAt, issues);
    }
  }
}

function parseNamed(
  tree: RawTree,
  type: 'host' | 'role' | 'check',
  key: string,
  value: YNode,
  posAt: (o: number) => Pos,
  issues: Issues,
): void {
  if (value.t === 'scalar' && value.text === null) return;
  if (value.t !== 'map') {
    issues.error(posAt(value.at), key, 'expected a mapping of NAME to its settings');
    return;
  }
  for (const e of value.entries) {
    const pos = posAt(e.at);
    if (!/^[\w-]+$/.test(e.key)) {
      issues.error(pos, `${key}.${e.key}`, 'invalid name; expected letters, digits, _ or -');
      continue;
    }
    if (checkHeader('yaml', type, e.key, pos, issues).kind === 'section') {
      fillSection(openSection(tree, type, e.key, pos), e.value, posAt, issues);
    }
  }
}

function fillSection(section: RawSection, node: YNode, posAt: (o: number) => Pos, issues: Issues): void {
  if (node.t === 'scalar' && node.text === null) return;
  if (node.t !== 'map') {
    issues.error(
      posAt(node.at),
      sectionLabel('yaml', section.type, section.name),
      'expected a mapping of keys to values',
    );
    return;
  }
  for (const e of node.entries) acceptValue(section, e.key, e.value, posAt(e.at), posAt, issues);
}

function acceptValue(
  section: RawSection,
  key: string,
  node: YNode,
  pos: Pos,
  posAt: (o: number) => Pos,
  issues: Issues,
): void {
  const label = keyLabel('yaml', section.type, section.name, key);
  let value: RawValue;
  if (node.t === 'scalar') {
    if (node.text === null) return; // `key:` with nothing: unset, defaults apply
    value = { text: node.text };
  } else if (node.t === 'seq') {
    const items: string[] = [];
    for (const it of node.items) {
      if (it.t !== 'scalar' || it.text === null) {
        issues.error(posAt(it.at), label, 'expected a list of plain values');
        return;
      }
      items.push(it.text);
    }
    value = { items };
  } else {
    issues.error(pos, label, 'expected a value, not a mapping');
    return;
  }
  acceptKey('yaml', section, key, value, pos, issues);
}

class ComposeError extends Error {
  readonly pos: Pos;
  constructor(message: string, pos: Pos) {
    super(message);
    this.pos = pos;
  }
}

/** Turns the flat event stream of the (single) document into nodes; aliases resolve to their anchor's node. */
function compose(source: string, events: readonly Event[], posAt: (o: number) => Pos): YNode | undefined {
  const anchors = new Map<string, YNode>();
  let i = 0;
  const anchorName = (start: number, end: number): string | undefined =>
    start < 0 ? undefined : source.slice(start, end);
  const node = (): YNode => {
    const e = events[i++];
    if (e === undefined) throw new ComposeError('unexpected end of document', posAt(source.length));
    let n: YNode;
    if (e.type === EVENT_ID.SCALAR) {
      const text = e.valueStart < 0 ? '' : getScalarValue(source, e);
      const isNull = e.style === 1 && e.tagStart < 0 && /^(|~|null|Null|NULL)$/.test(text);
      n = { t: 'scalar', at: Math.max(e.valueStart, 0), text: isNull ? null : text };
      remember(anchorName(e.anchorStart, e.anchorEnd), n);
    } else if (e.type === EVENT_ID.ALIAS) {
      const name = source.slice(e.anchorStart, e.anchorEnd);
      const target = anchors.get(name);
      if (target === undefined) throw new ComposeError(`unknown alias *${name}`, posAt(e.anchorStart));
      return target;
    } else if (e.type === EVENT_ID.SEQUENCE) {
      const items: YNode[] = [];
      n = { t: 'seq', at: e.start, items };
      remember(anchorName(e.anchorStart, e.anchorEnd), n);
      while (events[i]?.type !== EVENT_ID.POP) items.push(node());
      i++;
    } else if (e.type === EVENT_ID.MAPPING) {
      const entries: { key: string; at: number; value: YNode }[] = [];
      n = { t: 'map', at: e.start, entries };
      remember(anchorName(e.anchorStart, e.anchorEnd), n);
      while (events[i]?.type !== EVENT_ID.POP) {
        const k = node();
        if (k.t !== 'scalar' || k.text === null) throw new ComposeError('keys must be plain values', posAt(k.at));
        if (entries.some((x) => x.key === k.text)) throw new ComposeError(`duplicate key '${k.text}'`, posAt(k.at));
        entries.push({ key: k.text, at: k.at, value: node() });
      }
      i++;
    } else {
      throw new ComposeError('unexpected YAML structure', posAt(0));
    }
    return n;
  };
  const remember = (name: string | undefined, n: YNode): void => {
    if (name !== undefined) anchors.set(name, n);
  };

  const docs: YNode[] = [];
  while (i < events.length) {
    const e = events[i++];
    if (e?.type !== EVENT_ID.DOCUMENT) continue;
    if (docs.length > 0) throw new ComposeError('only one YAML document is allowed', posAt(0));
    docs.push(events[i]?.type === EVENT_ID.POP ? { t: 'scalar', at: 0, text: null } : node());
    i++; // the document's POP
  }
  return docs[0];
}

/** 1-based line of a source offset. */
function lineIndex(source: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
