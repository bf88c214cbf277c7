/**
 * Micro-benchmark of `workingSeconds` (and `addWorkingSeconds`) with the shop-kyiv calendar of
 * fixtures/keycrm/projects.json in Europe/Kyiv, over 1-day, 30-day and 365-day intervals that start
 * at varying instants (so every run crosses different DST changes and holidays).
 *
 * Run: `node --import tsx packages/domain/bench/working-seconds.bench.ts`
 * Prints one line per case: ops/s and µs/op (median of 5 rounds after a warm-up).
 */
import {
  addWorkingSeconds,
  parseWorkingCalendar,
  type WorkingCalendar,
  workingSeconds,
} from "../src/working-calendar.js";

const split = ["09:00-13:00", "14:00-18:00"];
const hours = { mon: split, tue: split, wed: split, thu: split, fri: split, sat: ["10:00-15:00"], sun: [] };
const kyiv = parseWorkingCalendar({ time_zone: "Europe/Kyiv", working_hours: hours });
const kyivHolidays = parseWorkingCalendar({
  time_zone: "Europe/Kyiv",
  working_hours: hours,
  holidays: [
    "2026-01-01",
    "2026-01-07",
    "2026-03-08",
    "2026-05-01",
    "2026-06-28",
    "2026-08-24",
    "2026-12-25",
    "2027-01-01",
  ],
});
const fixed = parseWorkingCalendar({ time_zone: "+05:00", working_hours: hours });

const DAY = 86_400_000;
const T0 = Date.parse("2026-01-01T00:00:00Z");
const STARTS = Array.from({ length: 1024 }, (_, i) => T0 + ((i * 7_919_993_123) % (365 * DAY)));

function bench(name: string, op: (i: number) => unknown): void {
  const roundMs = 300;
  const rates: number[] = [];
  let sink = 0;
  for (let round = 0; round < 6; round++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < roundMs) {
      for (let k = 0; k < 256; k++) sink += Number(op(n++)) || 0;
      t = performance.now();
    }
    if (round > 0) rates.push((n / (t - t0)) * 1000);
  }
  rates.sort((a, b) => a - b);
  const opsPerSec = rates[Math.floor(rates.length / 2)] ?? 0;
  console.log(
    `${name.padEnd(58)} ${Math.round(opsPerSec).toLocaleString("en-US").padStart(12)} ops/s ${(1e6 / opsPerSec).toFixed(2).padStart(9)} µs/op${sink < 0 ? "!" : ""}`,
  );
}

function measure(calendar: WorkingCalendar, days: number) {
  return (i: number): number => {
    const start = STARTS[i & 1023] ?? T0;
    return workingSeconds({ start, end: start + days * DAY }, calendar);
  };
}

console.log(`node ${process.version}; workingSeconds, shop-kyiv calendar (Mon–Fri 09–13, 14–18; Sat 10–15)`);
{
  // The first call per zone and year loads the tz transitions through Temporal (then cached).
  const cold = parseWorkingCalendar({ time_zone: "Europe/Kyiv", working_hours: hours });
  const t0 = performance.now();
  workingSeconds({ start: T0, end: T0 + 365 * DAY }, cold);
  const t1 = performance.now();
  workingSeconds({ start: T0 + DAY, end: T0 + 360 * DAY }, cold);
  const t2 = performance.now();
  console.log(
    `${"first 365-day call (cold tz tables, calendar compile)".padEnd(58)} ${(t1 - t0).toFixed(2).padStart(12)} ms; second call ${((t2 - t1) * 1000).toFixed(1)} µs`,
  );
}
for (const days of [1, 30, 365]) bench(`Europe/Kyiv, ${days}-day interval`, measure(kyiv, days));
for (const days of [1, 30, 365])
  bench(`Europe/Kyiv + 8 holidays, ${days}-day interval`, measure(kyivHolidays, days));
for (const days of [1, 30, 365]) bench(`+05:00 fixed offset, ${days}-day interval`, measure(fixed, days));
bench("Europe/Kyiv, 10-year interval", measure(kyiv, 3653));
bench("Europe/Kyiv, ISO string inputs, 30-day interval", (i) => {
  const start = STARTS[i & 1023] ?? T0;
  return workingSeconds(
    { start: new Date(start).toISOString(), end: new Date(start + 30 * DAY).toISOString() },
    kyiv,
  );
});
bench("addWorkingSeconds Europe/Kyiv, 8 h", (i) => addWorkingSeconds(STARTS[i & 1023] ?? T0, 8 * 3600, kyiv));
bench("addWorkingSeconds Europe/Kyiv, 72 h", (i) =>
  addWorkingSeconds(STARTS[i & 1023] ?? T0, 72 * 3600, kyiv),
);
