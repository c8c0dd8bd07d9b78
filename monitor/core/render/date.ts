// MMM's `checks` date format, `yyyy/MM/dd HH:mm:ss` in local time, computed without the clock or Date (pure
// code): the caller passes the UTC offset in effect at that instant, so the result is testable everywhere.

const DAY_MS = 86_400_000;

/** Minutes east of UTC in effect at an instant (e.g. `(ms) => -new Date(ms).getTimezoneOffset()`). */
export type UtcOffset = (epochMs: number) => number;

/** Zero-pads to `width` digits. */
function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Proleptic Gregorian year/month/day of a day count since 1970-01-01 (H. Hinnant's civil_from_days). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Formats epoch ms as `yyyy/MM/dd HH:mm:ss` at the given UTC offset (whole seconds, truncated). */
export function formatMmmDate(epochMs: number, offset: UtcOffset): string {
  const local = Math.floor(epochMs / 1000) * 1000 + offset(epochMs) * 60_000;
  const days = Math.floor(local / DAY_MS);
  const secs = Math.floor((local - days * DAY_MS) / 1000);
  const { year, month, day } = civilFromDays(days);
  const time = `${pad(Math.floor(secs / 3600))}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}`;
  return `${pad(year, 4)}/${pad(month)}/${pad(day)} ${time}`;
}
