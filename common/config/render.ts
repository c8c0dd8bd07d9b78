// Printing configuration as our YAML: the effective config (every default filled in, secrets masked) for
// --check-config, and the MMM→YAML converter (only what the MMM files say, templates kept).
//
// Converter and secrets: a password that the MMM files reference as env:VAR or file:/path is copied as that
// reference. A password written in clear is NOT copied (the output goes to terminals and tickets): it becomes
// '***' with a comment naming the file and line it came from, and loading a file that still contains '***'
// fails with a message saying so. The operator fills it in, ideally as env:VAR or file:/path.
import { MmmError } from '../errors/index.js';
import { PROGRAM_NAMES } from './build.js';
import { SECRET_MASK, secretReference, type ParseEnv, type YamlValue } from './kinds.js';
import { buildAndValidate, readConfigTree, type LoadOptions } from './load.js';
import { TEMPLATE_NAME, textOf, type RawSection, type SectionType } from './raw.js';
import { fieldValue } from './schema-def.js';
import { CONFIG_SCHEMA, findKey } from './schema.js';
import type { Config } from './types.js';
import { emitYaml, type YamlBlock, type YamlField } from './yaml-emit.js';

const PLURAL = { host: 'hosts', role: 'roles', check: 'checks' } as const;

/** The effective configuration as YAML (our format), secrets shown as '***'. */
export function renderEffectiveConfig(config: Config): string {
  const fields = (type: SectionType, obj: unknown): YamlField[] =>
    CONFIG_SCHEMA[type].flatMap((k) => {
      if (type === 'socket' && k.def.key === 'token' && config.socket.tokenFile !== undefined) return []; // read from token_file
      const value = k.def.kind.show(fieldValue(obj, k.path));
      return value === undefined ? [] : [{ key: k.def.key, value }];
    });
  const named = (type: 'host' | 'role' | 'check', items: readonly { name: string }[]): YamlField => ({
    key: PLURAL[type],
    value: { fields: items.map((it) => ({ key: it.name, value: { fields: fields(type, it) } })) },
  });
  const global = {
    this: config.this,
    debug: config.debug,
    activeMasterRole: config.activeMasterRole,
    agent: config.agent,
  };
  const root: YamlBlock = {
    fields: [
      ...fields('global', global),
      ...(config.monitor === undefined
        ? []
        : [{ key: 'monitor', value: { fields: fields('monitor', config.monitor) } }]),
      { key: 'socket', value: { fields: fields('socket', config.socket) } },
      named('host', config.hosts),
      named('role', config.roles),
      named('check', Object.values(config.checks)),
    ],
  };
  const header = [
    'Effective configuration of mysql-mmm-ng, every default filled in. Secrets are shown as ***.',
    `Loaded from: ${config.source.files.join(', ')}`,
    ...(config.cluster === undefined ? [] : [`Cluster: ${config.cluster}`]),
  ];
  return emitYaml(header, root);
}

/** Converts MMM .conf files (with their includes) to one YAML file. Refuses files that do not validate. */
export function convertMmmToYaml(opts: LoadOptions): string {
  const loaded = readConfigTree(opts);
  const { tree, issues } = loaded;
  if (tree.format !== 'mmm') {
    throw new MmmError('MMM_USAGE', `${tree.global.pos.file} is YAML already; --convert-config reads MMM .conf files`);
  }
  buildAndValidate(loaded, opts, false);
  issues.throwIfErrors(tree.files);

  let clearSecrets = 0;
  const noSecrets: ParseEnv = {
    env: {},
    readSecretFile: () => '',
    literalSecret: () => undefined,
  };
  const fields = (section: RawSection): YamlField[] =>
    [...section.entries.values()].flatMap((e): YamlField[] => {
      const def = findKey(section.type, e.key)?.def;
      if (def === undefined) return [];
      if (def.kind.secret) {
        const ref = secretReference(textOf(e.value));
        if (ref !== undefined) return [{ key: e.key, value: ref }];
        clearSecrets++;
        return [
          {
            key: e.key,
            value: SECRET_MASK,
            comment: `FILL IN: written in clear in ${e.pos.file}:${String(e.pos.line)}`,
          },
        ];
      }
      const parsed = def.kind.parse(e.value, noSecrets, e.pos, e.key);
      const value: YamlValue | undefined = parsed.ok ? def.kind.show(parsed.value) : textOf(e.value);
      return value === undefined ? [] : [{ key: e.key, value }];
    });
  const named = (type: 'host' | 'role' | 'check'): YamlField[] => {
    const sections = [...tree.named[type].values()].sort(
      (a, b) => Number(b.name === TEMPLATE_NAME) - Number(a.name === TEMPLATE_NAME),
    );
    if (sections.length === 0) return [];
    return [
      {
        key: PLURAL[type],
        value: { fields: sections.map((s) => ({ key: s.name ?? '', value: { fields: fields(s) } })) },
      },
    ];
  };
  const unique = (type: 'monitor' | 'socket'): YamlField[] => {
    const s = tree.unique.get(type);
    return s === undefined ? [] : [{ key: type, value: { fields: fields(s) } }];
  };
  const root: YamlBlock = {
    fields: [
      ...fields(tree.global),
      ...unique('monitor'),
      ...unique('socket'),
      ...named('host'),
      ...named('role'),
      ...named('check'),
    ],
  };
  const header = [
    `Converted from MMM 2.2.1 configuration by ${PROGRAM_NAMES[opts.program]} --convert-config.`,
    `Source files: ${tree.files.join(', ')}`,
    'MMM tools settings (copy_method, ssh_*, lvm_*, ...) are not carried over.',
    ...(clearSecrets === 0
      ? []
      : [
          '',
          `${String(clearSecrets)} password(s) were written in clear and are NOT copied: replace each '***' with the`,
          'password, or better env:VARIABLE or file:/path/to/secret (see the comments).',
        ]),
  ];
  return emitYaml(header, root);
}
