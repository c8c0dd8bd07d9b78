// The schema as Markdown tables (common/config/README.md embeds this output; a unit test keeps them equal).
import { PROGRAM_NAMES } from './build.js';
import type { SectionType } from './raw.js';
import { CONFIG_SCHEMA, IGNORED_KEYS } from './schema.js';

const TITLES: Readonly<Record<SectionType, string>> = {
  global: 'Top level',
  monitor: '`<monitor>` / `monitor:`',
  socket: '`<socket>` / `socket:`',
  host: '`<host NAME>` / `hosts: NAME:` (template: `default`)',
  role: '`<role NAME>` / `roles: NAME:`',
  check: '`<check NAME>` / `checks: NAME:` (ping, mysql, rep_threads, rep_backlog; template: `default`)',
};

function showDefault(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return `\`${String(v)}\``;
  return '–';
}

export function describeSchema(): string {
  const out: string[] = [];
  for (const type of Object.keys(CONFIG_SCHEMA) as SectionType[]) {
    out.push(
      `### ${TITLES[type]}`,
      '',
      '| Key | Expected | Default | Required by | Description |',
      '|---|---|---|---|---|',
    );
    for (const { def } of CONFIG_SCHEMA[type]) {
      const required = (def.required ?? []).map((p) => PROGRAM_NAMES[p]).join(', ');
      const cond = def.requiredIf === undefined ? '' : ` when ${def.requiredIf.key} ${def.requiredIf.value}`;
      const by = required === '' && cond !== '' ? `all${cond}` : `${required || '–'}${cond}`;
      const key = `\`${def.key}\`${def.extension === true ? ' (ng)' : ''}`;
      out.push(
        `| ${key} | ${def.kind.expected} | ${showDefault(def.default)} | ${by} | ${def.description.replace(/\|/g, '\\|').replace(/</g, '&lt;')} |`,
      );
    }
    const ignored = IGNORED_KEYS[type];
    if (ignored !== undefined)
      out.push('', `Accepted and ignored (MMM tools): ${ignored.map((k) => `\`${k}\``).join(', ')}.`);
    out.push('');
  }
  return out.join('\n');
}
