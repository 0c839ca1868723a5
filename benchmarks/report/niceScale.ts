/** Axis ranges and ticks on round numbers (1, 2, 2.5, 5 × 10^k), and tick labels with just enough decimals. */

export function niceStep(rough: number): number {
  if (!(rough > 0) || !Number.isFinite(rough)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const f = rough / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * power;
}

export interface Scale {
  lo: number;
  hi: number;
  step: number;
  ticks: number[];
}

/** A range covering [min, max] in about `count` steps. A single value gets a range around it. */
export function niceScale(min: number, max: number, count: number): Scale {
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) / 2;
    min = min >= 0 ? Math.max(0, min - pad) : min - pad;
    max += pad;
  }
  const step = niceStep((max - min) / count);
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step / 1e6; i++) ticks.push(Number((lo + i * step).toFixed(12)));
  return { lo: ticks[0], hi: ticks[ticks.length - 1], step, ticks };
}

export function decimalsFor(step: number): number {
  let d = 0;
  while (d < 10 && Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) > 1e-6) d++;
  return d;
}

export function formatTick(value: number, step: number): string {
  const d = decimalsFor(step);
  return value.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}
