import { describe, expect, it } from 'vitest';
import { civilFromDays, formatMmmDate } from '../../../../../monitor/core/render/date.js';

/** The same format computed with Date, as the reference. */
function reference(ms: number, offsetMin: number): string {
  const d = new Date(Math.floor(ms / 1000) * 1000 + offsetMin * 60_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${p(d.getUTCFullYear(), 4)}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
  );
}

describe('formatMmmDate (yyyy/MM/dd HH:mm:ss, local time)', () => {
  it('formats the golden sample time', () => {
    expect(formatMmmDate(Date.UTC(2026, 10, 22, 2, 3, 45, 999), () => 0)).toBe('2026/11/22 02:03:45');
  });

  it('applies the UTC offset in effect at that instant', () => {
    const t = Date.UTC(2026, 10, 22, 23, 30, 0);
    expect(formatMmmDate(t, () => 60)).toBe('2026/11/23 00:30:00');
    expect(formatMmmDate(t, () => -330)).toBe('2026/11/22 18:00:00');
    const seen: number[] = [];
    formatMmmDate(t, (ms) => {
      seen.push(ms);
      return 0;
    });
    expect(seen).toEqual([t]);
  });

  it('handles leap days, year ends, the epoch and earlier dates', () => {
    expect(formatMmmDate(Date.UTC(2024, 1, 29, 12, 0, 0), () => 0)).toBe('2024/02/29 12:00:00');
    expect(formatMmmDate(Date.UTC(2000, 11, 31, 23, 59, 59), () => 0)).toBe('2000/12/31 23:59:59');
    expect(formatMmmDate(0, () => 0)).toBe('1970/01/01 00:00:00');
    expect(formatMmmDate(-1, () => 0)).toBe('1969/12/31 23:59:59');
    expect(formatMmmDate(Date.UTC(1600, 1, 29), () => 0)).toBe('1600/02/29 00:00:00');
  });

  it('agrees with Date over many instants and offsets', () => {
    for (let i = 0; i < 2000; i++) {
      const ms = Math.round((i * 7_919_993_311.7) % 8.64e15) - 4e12 * (i % 3);
      const off = ((i * 37) % 1680) - 840;
      expect(formatMmmDate(ms, () => off)).toBe(reference(ms, off));
    }
  });

  it('converts day counts to civil dates', () => {
    expect(civilFromDays(0)).toEqual({ year: 1970, month: 1, day: 1 });
    expect(civilFromDays(-1)).toEqual({ year: 1969, month: 12, day: 31 });
    expect(civilFromDays(11_016)).toEqual({ year: 2000, month: 2, day: 29 });
  });
});
