// mmm_control with garbage on its command line, against a monitor on 127.0.0.1 that answers with the real
// command core (MMM's texts): the exit status is always one of the documented 0/1/2/3 and agrees with the
// text (1 = `ERROR: ...`, 2 = usage, `Invalid command` or configuration, 3 = `ERROR: Can't connect to monitor
// daemon!`), --json always prints one JSON document, and nothing ever prints a stack trace.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CANT_CONNECT, runControl } from '../../../control/run.js';
import { BASE, cleanupTempDirs, tempDir } from '../../unit/common/config/fixture.js';
import { closedPort, startFakeMonitor, type FakeMonitor } from '../../unit/control/fake-monitor.js';
import { command, model, seedConfig } from '../../unit/monitor/core/fixtures.js';
import { COMMAND_WORDS } from './words.js';

vi.setConfig({ testTimeout: 120_000 });
const RUNS = Number(process.env['MMM_FUZZ_RUNS'] ?? 1000);

let monitor: FakeMonitor;
let liveDir: string;
let deadDir: string;

const configFor = (port: number): string => BASE.replace('    ip 127.0.0.1\n', `    ip 127.0.0.1\n    port ${port}\n`);

beforeAll(async () => {
  const m = model(seedConfig());
  monitor = await startFakeMonitor((args) => command(m, args).response);
  liveDir = tempDir({ 'mmm_mon.conf': configFor(monitor.port) });
  deadDir = tempDir({ 'mmm_mon.conf': configFor(await closedPort()) });
});

afterAll(async () => {
  await monitor.close();
  cleanupTempDirs();
});

const word = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 16 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      ...COMMAND_WORDS,
      '198.18.0.100',
      '--json',
      '--timeout',
      '--timeout=x',
      '--timeout=-1',
      '--timeout=1e9',
      '--config',
      '--config=',
      '--force',
      '--version',
      '--help',
      '--',
      '-',
      '-j',
      '@',
      '@prod',
      '@../../etc',
      '',
    ),
  },
);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(argv: readonly string[], dir: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runControl(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: {},
    searchPath: [dir],
    argv0: 'mmm_control',
  });
  return { code, stdout, stderr };
}

/** The words before the command (control/README.md: options are read only before the command word). */
function optionsOf(argv: readonly string[]): string[] {
  const head: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i] ?? '';
    if (w === '--' || !(w.startsWith('-') || w.startsWith('@'))) break;
    head.push(w);
    if (w === '--config' || w === '--timeout') i++;
  }
  return head;
}

function expectDocumented(argv: readonly string[], r: Run): void {
  const what = `${JSON.stringify(argv)} → ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  expect([0, 1, 2, 3], what).toContain(r.code);
  for (const text of [r.stdout, r.stderr]) {
    expect(text, what).not.toMatch(/\n\s+at .*[:(]/);
    expect(text, what).not.toMatch(/\b(TypeError|ReferenceError|RangeError|SyntaxError|undefined is not)\b/);
  }
  for (const line of r.stderr.split('\n').filter((l) => l.length > 0)) {
    expect(line, what).toMatch(/^(mmm_control: |See 'mmm_control help' for usage information$)/);
  }
  const json = optionsOf(argv).includes('--json');
  if (json && r.stdout.length > 0 && !r.stdout.startsWith('Usage:') && !r.stdout.startsWith('mmm_control ')) {
    const doc = JSON.parse(r.stdout) as { exitCode: number; text: string };
    expect(doc.exitCode, what).toBe(r.code);
  } else {
    if (r.code === 1) expect(r.stdout, what).toMatch(/^ERROR: /);
    if (r.code === 3) expect(r.stdout, what).toBe(`${CANT_CONNECT}\n`);
  }
}

describe('mmm_control with garbage arguments', () => {
  it('against a live monitor: documented exit codes and MMM texts, never a stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 6 }), async (argv) => {
        const r = await run(argv, liveDir);
        expectDocumented(argv, r);
        if (r.code === 2 && r.stdout.startsWith('Invalid command')) expect(r.stdout).toMatch(/^Invalid command '/);
      }),
      { numRuns: RUNS },
    );
  });

  it('against an unreachable monitor: exit 3 with MMM text, or an earlier usage/config error (2), or a local answer (0)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 6 }), async (argv) => {
        const r = await run(argv, deadDir);
        expectDocumented(argv, r);
        expect([0, 2, 3]).toContain(r.code);
      }),
      { numRuns: Math.ceil(RUNS / 4) },
    );
  });

  it('a few fixed cases keep their exact texts', async () => {
    expect(await run([], liveDir)).toEqual({
      code: 2,
      stdout: '',
      stderr: "See 'mmm_control help' for usage information\n",
    });
    const bogus = await run(['bogus', 'x'], liveDir);
    expect(bogus.code).toBe(2);
    expect(bogus.stdout).toMatch(/^Invalid command 'bogus x'\n/);
    const refused = await run(['set_online', 'nohost'], liveDir);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^ERROR: /);
    expect((await run(['show'], deadDir)).stdout).toBe(`${CANT_CONNECT}\n`);
    const badOpt = await run(['--nope', 'show'], liveDir);
    expect(badOpt.code).toBe(2);
    expect(badOpt.stderr).toMatch(/^mmm_control: .*--nope.*; see mmm_control --help\n$/);
  });
});
