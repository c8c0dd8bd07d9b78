// vitest globalSetup of the integration project: prepares the machine once, before any worker starts, so
// parallel test files do not race to build the template datadir (or to install packages).
import { ensurePackages } from './install.js';
import { ensureTemplate } from './template.js';

export async function setup(): Promise<void> {
  if (process.getuid?.() !== 0) {
    // Lab tests then fail with a clear "needs root" error; other integration tests can still run.
    process.stdout.write('lab: not root, so no lab template was prepared (lab tests need root)\n');
    return;
  }
  const progress = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  await ensurePackages(progress);
  await ensureTemplate(progress);
}
