// The benchmark code must not rot: `--quick` of the failover (1 run, kill -9), agent and scale (4 hosts)
// suites, end to end on real labs (ids 110–112), checking that the reports are written and make sense. The
// figures themselves are not asserted (a shared CI machine is too noisy); the benchmarks report them.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const OUT = mkdtempSync(join(tmpdir(), 'mmm-bench-'));

afterAll(() => {
  rmSync(OUT, { recursive: true, force: true });
});

function report(suite: string): { md: string; json: Record<string, unknown> } {
  const files = readdirSync(OUT);
  const md = files.find((f) => f.startsWith(`${suite}-`) && f.endsWith('.md'));
  const json = files.find((f) => f.startsWith(`${suite}-`) && f.endsWith('.json'));
  expect(md, `${suite} markdown report in ${files.join(', ')}`).toBeDefined();
  expect(json, `${suite} JSON report`).toBeDefined();
  return {
    md: readFileSync(join(OUT, md ?? ''), 'utf8'),
    json: JSON.parse(readFileSync(join(OUT, json ?? ''), 'utf8')) as Record<string, unknown>,
  };
}

describe('npm run bench -- --quick', () => {
  it('runs failover, agent and scale (4 hosts) and writes sane reports', async () => {
    if (!['agent', 'monitor', 'control'].every((d) => existsSync(resolve(ROOT, `dist/${d}/main.js`)))) {
      await run(resolve(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: ROOT });
    }
    const args = ['test/bench/bench.ts', 'failover,agent,scale', '--quick', '--sizes', '4', '--lab-id', '110'];
    const res = await run(resolve(ROOT, 'node_modules/.bin/tsx'), [...args, '--out', OUT], {
      cwd: ROOT,
      timeout: 240_000,
    }).catch((e: unknown) => {
      const err = e as { stdout?: string; stderr?: string };
      throw new Error(`bench failed:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
    });
    // a progress line per step
    expect(res.stdout).toMatch(/^\[bench failover \+[\d.]+ s\] kill9 run 1\/1 mmm: outage \d+ ms/m);
    expect(res.stdout).toMatch(/^\[bench agent \+[\d.]+ s\] 5\/5 rounds/m);
    expect(res.stdout).toMatch(/^\[bench scale \+[\d.]+ s\] 4 hosts: lab up/m);

    for (const suite of ['failover', 'agent', 'scale']) {
      const { md, json } = report(suite);
      expect(md).toMatch(/^# .+\n/);
      expect(md).toMatch(/^Machine: 2? ?\d+ cores/m);
      expect(md).toContain('(quick mode');
      expect(md).toMatch(/^\| .+ \|\n\|---/m);
      expect(json).toMatchObject({ suite, quick: true, machine: { node: process.version } });
      expect((json['machine'] as { cores: number }).cores).toBeGreaterThan(0);
    }

    const failover = report('failover').json['raw'] as { fault: string; outageMs?: number; missing: object }[];
    expect(failover).toHaveLength(1);
    expect(failover[0]).toMatchObject({ system: 'mysql-mmm-ng', fault: 'kill9', run: 1 });
    expect(typeof failover[0]?.outageMs).toBe('number');
    expect(Object.keys(failover[0]?.missing ?? {})).toEqual(['db2', 'db3', 'db4']);

    const agent = report('agent').json['raw'] as Record<string, { roundTripMs: number; agentMs: number }[]>;
    expect(Object.keys(agent)).toHaveLength(6);
    for (const samples of Object.values(agent)) {
      expect(samples).toHaveLength(5);
      for (const s of samples) expect(s.roundTripMs).toBeGreaterThanOrEqual(s.agentMs);
    }

    interface ScaleRaw {
      results: { hosts: number; cpuPercent: number; rssMiB: number; detectionMs?: number }[];
      failures: unknown[];
    }
    const scaleRaw = report('scale').json['raw'] as ScaleRaw;
    expect(scaleRaw.failures).toEqual([]);
    const scale = scaleRaw.results;
    expect(scale.map((s) => s.hosts)).toEqual([4]);
    expect(scale[0]?.cpuPercent).toBeGreaterThan(0);
    expect(scale[0]?.rssMiB).toBeGreaterThan(10);
    expect(typeof scale[0]?.detectionMs).toBe('number');
  }, 300_000);
});
