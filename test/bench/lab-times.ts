// Lab figures: `up` and `down` times of a 4-host lab (median of 5, with min and max) and memory per host
// (RSS and PSS of each mariadbd). Run as root: npx tsx test/bench/lab-times.ts [--id K] [--hosts N] [--runs R]
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Lab } from '../lab/index.js';

const { values } = parseArgs({
  options: { id: { type: 'string' }, hosts: { type: 'string' }, runs: { type: 'string' } },
});
const id = Number(values.id ?? 19);
const hosts = Number(values.hosts ?? 4);
const runs = Number(values.runs ?? 5);

function summary(xs: readonly number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return `median ${median} ms (min ${s[0]}, max ${s.at(-1)}; runs: ${xs.join(', ')})`;
}

/** RSS and PSS in MiB from /proc/<pid>/smaps_rollup. */
async function memory(pid: number): Promise<{ rss: number; pss: number }> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: kb('Rss') / 1024, pss: kb('Pss') / 1024 };
}

const ups: number[] = [];
const downs: number[] = [];
let mem: string[] = [];
await Lab.down(id); // start from nothing
for (let i = 0; i < runs; i++) {
  let t = performance.now();
  const lab = await Lab.up({ id, hosts });
  ups.push(Math.round(performance.now() - t));
  if (i === runs - 1) {
    // one write replicated everywhere, so the servers have done some work before they are measured
    await lab.sql('db1', "INSERT INTO app.t (v) VALUES ('bench')");
    await lab.sync();
    mem = await Promise.all(
      lab.hosts.map(async (h) => {
        const pid = await lab.mysqldPid(h.name);
        const m = await memory(pid!);
        return `${h.name}: RSS ${m.rss.toFixed(1)} MiB, PSS ${m.pss.toFixed(1)} MiB`;
      }),
    );
  }
  t = performance.now();
  const report = await lab.down();
  downs.push(Math.round(performance.now() - t));
  if (report.leftovers.length > 0) throw new Error(`leftovers after down: ${report.leftovers.join('; ')}`);
}

const load = (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');
console.log(`lab ${id}, ${hosts} hosts, ${runs} runs (load average before the end: ${load})`);
console.log(`up:   ${summary(ups)}`);
console.log(`down: ${summary(downs)}`);
console.log('memory per host (mariadbd, after one replicated write):');
for (const line of mem) console.log(`  ${line}`);
