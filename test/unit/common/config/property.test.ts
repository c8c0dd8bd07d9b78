// Whatever an operator's editor does to a config file, loading it either succeeds or throws an MmmError whose
// every line names file:line. Never another exception, never a crash.
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigText, type ProgramClass } from '../../../../common/config/index.js';
import { BASE, cleanupTempDirs, tempDir } from './fixture.js';
import { YAML_BASE, check, mmmLine, mutate, mutations, yamlLine } from './mutation.js';

afterAll(cleanupTempDirs);

const program = fc.constantFrom<ProgramClass>('MONITOR', 'AGENT', 'CONTROL');

describe('mutated config text', () => {
  const dir = tempDir();

  it('MMM format: loads or fails with file:line errors only', () => {
    fc.assert(
      fc.property(mutations(mmmLine), program, (ms, p) => {
        check(mutate(BASE, ms), join(dir, 'mmm_mon.conf'), p);
      }),
      { numRuns: 400 },
    );
  });

  it('YAML format: loads or fails with file:line errors only', () => {
    fc.assert(
      fc.property(mutations(yamlLine), program, (ms, p) => {
        check(mutate(YAML_BASE, ms), join(dir, 'mmm_mon.yaml'), p);
      }),
      { numRuns: 400 },
    );
  });

  it('the unmutated bases are valid for every program', () => {
    for (const p of ['MONITOR', 'AGENT', 'CONTROL'] as const) {
      expect(loadConfigText(BASE, join(dir, 'mmm_mon.conf'), { program: p }).hosts).toHaveLength(3);
      expect(loadConfigText(YAML_BASE, join(dir, 'mmm_mon.yaml'), { program: p }).hosts).toHaveLength(2);
    }
  });
});
