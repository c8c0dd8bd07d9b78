// A tiny YAML writer for our config layout (mappings of mappings of scalars and lists) that, unlike a generic
// dumper, can put a comment after a value. Scalars are quoted by js-yaml's own rules, so output always reloads.
import { dump } from 'js-yaml';
import type { YamlValue } from './kinds.js';

export interface YamlField {
  readonly key: string;
  readonly value: YamlValue | YamlBlock;
  readonly comment?: string;
}

export interface YamlBlock {
  readonly fields: readonly YamlField[];
}

function isBlock(v: YamlValue | YamlBlock): v is YamlBlock {
  return typeof v === 'object' && 'fields' in v;
}

export function scalarText(v: YamlValue): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return dump(v, { flowLevel: 0 }).trimEnd();
}

export function emitYaml(header: readonly string[], root: YamlBlock): string {
  const lines = header.map((h) => (h === '' ? '#' : `# ${h}`));
  const walk = (block: YamlBlock, depth: number): void => {
    const pad = '  '.repeat(depth);
    for (const f of block.fields) {
      const key = scalarText(f.key);
      if (isBlock(f.value)) {
        lines.push(f.value.fields.length === 0 ? `${pad}${key}: {}` : `${pad}${key}:`);
        walk(f.value, depth + 1);
      } else {
        lines.push(`${pad}${key}: ${scalarText(f.value)}${f.comment === undefined ? '' : `  # ${f.comment}`}`);
      }
    }
  };
  walk(root, 0);
  return `${lines.join('\n')}\n`;
}
