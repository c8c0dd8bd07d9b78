// Secrets (passwords, the token) never appear in errors, warnings, the effective config, JSON or inspect
// output, whatever the operator got wrong around them.
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigText, renderEffectiveConfig, type ProgramClass } from '../../../../common/config/index.js';
import { MmmError } from '../../../../common/errors/index.js';
import { BASE, cleanupTempDirs } from './fixture.js';

afterEach(cleanupTempDirs);

const SECRETS = {
  agent: 'Agent-S3cret-9f2',
  monitor: 'Mon-S3cret-77a',
  repl: 'Repl-S3cret-4c1',
  token: 'Tok-S3cret-0123456789abcdef',
};
const WITH_SECRETS = BASE.replace('agentpass', SECRETS.agent)
  .replace('monpass', SECRETS.monitor)
  .replace('replpass', SECRETS.repl)
  .replace('0123456789abcdef0123', SECRETS.token);

/** Everything a load can show a human or a log: error text and details, warnings, rendered config. */
function everythingShown(text: string, program: ProgramClass = 'MONITOR', file = 'mmm_mon.conf'): string {
  try {
    const c = loadConfigText(text, file, { program });
    return [renderEffectiveConfig(c), JSON.stringify(c), inspect(c, { depth: 10 }), JSON.stringify(c.warnings)].join(
      '\n',
    );
  } catch (e) {
    if (!(e instanceof MmmError)) throw e;
    return [e.message, JSON.stringify(e), inspect(e, { depth: 10 })].join('\n');
  }
}

const expectNoSecret = (shown: string): void => {
  for (const s of Object.values(SECRETS)) expect(shown).not.toContain(s);
};

describe('secrets stay hidden', () => {
  it('in the effective config, JSON and inspect output of a valid config', () => {
    const shown = everythingShown(WITH_SECRETS);
    expect(shown).toContain('***');
    expectNoSecret(shown);
  });

  it('in errors about the config around them', () => {
    const broken = WITH_SECRETS.replace('mode slave', 'mode slve').replace(
      'ips 198.19.0.100',
      'ips 198.19.0.100, 198.19.0.12',
    );
    const shown = everythingShown(broken);
    expect(shown).toContain("invalid value 'slve'");
    expectNoSecret(shown);
  });

  it('when a password is written under a misspelt key', () => {
    const shown = everythingShown(`${WITH_SECRETS}<host db1>\n  agent_pasword ${SECRETS.agent}\n</host>\n`);
    expect(shown).toContain('agent_pasword: unknown key');
    expectNoSecret(shown);
  });

  it('when a password line carries a trailing comment', () => {
    const shown = everythingShown(WITH_SECRETS.replace(SECRETS.repl, `${SECRETS.repl} # ${SECRETS.token}`));
    expect(shown).toContain('trailing comment removed');
    expectNoSecret(shown);
  });

  it('when a YAML password is a list or a mapping', () => {
    const yaml = `active_master_role: writer\nhosts:\n  db1:\n    agent_password: [${SECRETS.agent}, x]\n    monitor_password: {a: ${SECRETS.monitor}}\n`;
    const shown = everythingShown(yaml, 'AGENT', 'mmm_agent.yaml');
    expect(shown).toContain('hosts.db1.agent_password: a list is not allowed here');
    expectNoSecret(shown);
  });

  it('when the token is too short to be safe (the warning does not echo it)', () => {
    const shown = everythingShown(WITH_SECRETS.replace(SECRETS.token, 'Tok-S3cret'));
    expect(shown).toContain('shorter than 16 characters');
    expect(shown).not.toContain('Tok-S3cret');
  });

  it('for any password text', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 6, maxLength: 40 })
          .filter((s) => /^\S+$/.test(s) && !/^(env|file):|\s#|^\*\*\*$/.test(s)),
        (pw) => {
          const secret = `Z${pw}Z`;
          const shown = everythingShown(BASE.replace('agentpass', secret).replace('mode slave', 'mode ?'));
          expect(shown).not.toContain(secret);
        },
      ),
      { numRuns: 100 },
    );
  });
});
