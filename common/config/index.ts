// Public API of the configuration module. Other modules import from here (or from types.ts / secret.ts).
export type * from './types.js';
export { CHECK_NAMES } from './types.js';
export { Secret } from './secret.js';
export { loadConfig, loadConfigText, resolveConfigPath, type LoadOptions } from './load.js';
export { renderEffectiveConfig, convertMmmToYaml } from './render.js';
export { MMM_SEARCH_PATH, configFileName, findConfigFile, formatOf, nodeFs, type ConfigFs } from './sources.js';
export { CONFIG_SCHEMA, findKey } from './schema.js';
export { PROGRAM_NAMES } from './build.js';
export { formatIssue, type ConfigIssue } from './issues.js';
export { describeSchema } from './describe.js';
