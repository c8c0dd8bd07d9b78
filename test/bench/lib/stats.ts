// Pure arithmetic of the benchmark reports: medians with min/max, percentiles, quantiles of Prometheus
// histograms, ratios. No I/O, no clock.

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Median (mean of the two middle values for an even count), min and max; undefined for no values. */
export function summarize(xs: readonly number[]): Summary | undefined {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
  return { n: s.length, median, min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}

/** Nearest-rank percentile (p in 0..1) of the values; undefined for no values. */
export function percentile(xs: readonly number[], p: number): number | undefined {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil(p * s.length));
  return s[Math.min(s.length, rank) - 1];
}

/** One cumulative bucket of a Prometheus histogram: `count` observations ≤ `le` (Infinity for +Inf). */
export interface Bucket {
  readonly le: number;
  readonly count: number;
}

/**
 * The q-quantile of a cumulative histogram, interpolated linearly inside the bucket as Prometheus'
 * histogram_quantile does; the +Inf bucket answers with the highest finite bound. Undefined when empty.
 */
export function histogramQuantile(buckets: readonly Bucket[], q: number): number | undefined {
  const b = [...buckets].sort((x, y) => x.le - y.le);
  const total = b[b.length - 1]?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const bucket of b) {
    if (bucket.count >= rank) {
      if (!Number.isFinite(bucket.le)) return prevLe;
      const inBucket = bucket.count - prevCount;
      return inBucket <= 0 ? bucket.le : prevLe + ((bucket.le - prevLe) * (rank - prevCount)) / inBucket;
    }
    prevLe = Number.isFinite(bucket.le) ? bucket.le : prevLe;
    prevCount = bucket.count;
  }
  return prevLe;
}

/** Bucket counts of `after` minus those of `before` (same bounds): the observations of a window. */
export function histogramDelta(before: readonly Bucket[], after: readonly Bucket[]): Bucket[] {
  const old = new Map(before.map((b) => [b.le, b.count]));
  return after.map((b) => ({ le: b.le, count: b.count - (old.get(b.le) ?? 0) }));
}

/** Sums histograms with the same bounds (e.g. one per host) into one. */
export function histogramSum(hs: readonly (readonly Bucket[])[]): Bucket[] {
  const sum = new Map<number, number>();
  for (const h of hs) for (const b of h) sum.set(b.le, (sum.get(b.le) ?? 0) + b.count);
  return [...sum.entries()].sort((a, b) => a[0] - b[0]).map(([le, count]) => ({ le, count }));
}

/** a / b of two medians, undefined when either is missing or b is 0. */
export function ratio(a: Summary | undefined, b: Summary | undefined): number | undefined {
  if (a === undefined || b === undefined || b.median === 0) return undefined;
  return a.median / b.median;
}

/** "1.23 s (0.98–1.50, n=5)" for ms values; "-" when there is nothing. */
export function fmtSeconds(s: Summary | undefined, digits = 2): string {
  if (s === undefined) return '-';
  const f = (ms: number): string => (ms / 1000).toFixed(digits);
  return s.n === 1 ? `${f(s.median)} s` : `${f(s.median)} s (${f(s.min)}–${f(s.max)})`;
}

/** "12 ms (9–15)" for ms values. */
export function fmtMs(s: Summary | undefined, digits = 0): string {
  if (s === undefined) return '-';
  const f = (ms: number): string => ms.toFixed(digits);
  return s.n === 1 ? `${f(s.median)} ms` : `${f(s.median)} ms (${f(s.min)}–${f(s.max)})`;
}

/** "3 (0–5)" for counts. */
export function fmtCount(s: Summary | undefined): string {
  if (s === undefined) return '-';
  return s.n === 1 || s.min === s.max ? `${s.median}` : `${s.median} (${s.min}–${s.max})`;
}

/** Parses Prometheus text exposition: samples with their labels. */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheus(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = SAMPLE.exec(line);
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1] ?? ''] = (l[2] ?? '').replace(/\\(.)/g, '$1');
    const raw = m[3] ?? '';
    out.push({ name: m[1] ?? '', labels, value: raw === '+Inf' ? Infinity : Number(raw) });
  }
  return out;
}

/** Cumulative buckets of histogram `name` per label set key (labels except `le`, joined), e.g. per host+check. */
export function histograms(samples: readonly PromSample[], name: string): Map<string, Bucket[]> {
  const out = new Map<string, Bucket[]>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket`) continue;
    const { le, ...rest } = s.labels;
    const key = Object.entries(rest)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const list = out.get(key) ?? [];
    list.push({ le: le === '+Inf' ? Infinity : Number(le), count: s.value });
    out.set(key, list);
  }
  return out;
}
