/**
 * A self-contained SVG line chart: one line per series, marker shapes as well as colours (readable when
 * printed in grey), axis titles, tick labels on round numbers, a legend beside the plot and a tooltip per point.
 * Numeric x values are placed to scale; any non-numeric x (e.g. an unbounded request rate "inf") makes the
 * x axis categorical.
 */
import { formatTick, niceScale } from "./niceScale";

export interface ChartPoint {
  x: number | string;
  y: number | null;
  /** Tooltip text for the point. */
  label?: string;
}

export interface ChartSeries {
  name: string;
  points: ChartPoint[];
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
}

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
const SHAPES = ["circle", "square", "triangle", "diamond", "triangle-down", "cross"] as const;

const PLOT = { left: 84, top: 52, width: 600, height: 380, bottom: 70 };
const LEGEND_GAP = 24;
const LEGEND_ROW = 22;
const CHAR_WIDTH = 7.2;
const MAX_NAME = 40;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const fmt = (n: number) => String(Math.round(n * 10) / 10);

function marker(shape: (typeof SHAPES)[number], x: number, y: number, color: string): string {
  const r = 4.5;
  switch (shape) {
    case "circle":
      return `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="${r}" fill="${color}"/>`;
    case "square":
      return `<rect x="${fmt(x - r)}" y="${fmt(y - r)}" width="${2 * r}" height="${2 * r}" fill="${color}"/>`;
    case "triangle":
      return `<polygon points="${fmt(x)},${fmt(y - r - 1)} ${fmt(x + r + 1)},${fmt(y + r)} ${fmt(x - r - 1)},${fmt(y + r)}" fill="${color}"/>`;
    case "diamond":
      return `<polygon points="${fmt(x)},${fmt(y - r - 1)} ${fmt(x + r + 1)},${fmt(y)} ${fmt(x)},${fmt(y + r + 1)} ${fmt(x - r - 1)},${fmt(y)}" fill="${color}"/>`;
    case "triangle-down":
      return `<polygon points="${fmt(x - r - 1)},${fmt(y - r)} ${fmt(x + r + 1)},${fmt(y - r)} ${fmt(x)},${fmt(y + r + 1)}" fill="${color}"/>`;
    case "cross":
      return `<path d="M${fmt(x - r)},${fmt(y - r)}L${fmt(x + r)},${fmt(y + r)}M${fmt(x - r)},${fmt(y + r)}L${fmt(x + r)},${fmt(y - r)}" stroke="${color}" stroke-width="2.5"/>`;
  }
}

const shortName = (name: string) => (name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 1)}…` : name);

export function renderLineChart(spec: LineChartSpec): string {
  const xs = spec.series.flatMap((s) => s.points.map((p) => p.x));
  const categorical = xs.some((x) => typeof x !== "number");
  const categories = categorical ? [...new Set(xs.map(String))] : [];
  const numericXs = xs.filter((x): x is number => typeof x === "number");
  const xScale = categorical ? null : niceScale(Math.min(...numericXs), Math.max(...numericXs), 8);
  const ys = spec.series.flatMap((s) => s.points.map((p) => p.y)).filter((y): y is number => y !== null && Number.isFinite(y));
  const yScale = niceScale(Math.min(0, ...ys), ys.length > 0 ? Math.max(...ys) : 1, 6);

  const px = (x: number | string): number => {
    if (xScale) return PLOT.left + (((x as number) - xScale.lo) / (xScale.hi - xScale.lo)) * PLOT.width;
    return PLOT.left + ((categories.indexOf(String(x)) + 0.5) / categories.length) * PLOT.width;
  };
  const py = (y: number) => PLOT.top + PLOT.height - ((y - yScale.lo) / (yScale.hi - yScale.lo)) * PLOT.height;

  const legendX = PLOT.left + PLOT.width + LEGEND_GAP;
  const legendWidth = 40 + Math.max(...spec.series.map((s) => shortName(s.name).length), 8) * CHAR_WIDTH;
  const width = Math.ceil(legendX + legendWidth + 16);
  const height = Math.max(PLOT.top + PLOT.height + PLOT.bottom, PLOT.top + 30 + spec.series.length * LEGEND_ROW);
  const bottom = PLOT.top + PLOT.height;

  const parts: string[] = [];
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${fmt(PLOT.left + PLOT.width / 2)}" y="28" text-anchor="middle" font-size="17" font-weight="bold">${escapeXml(spec.title)}</text>`);

  for (const t of yScale.ticks) {
    const y = py(t);
    parts.push(`<line x1="${PLOT.left}" y1="${fmt(y)}" x2="${PLOT.left + PLOT.width}" y2="${fmt(y)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${PLOT.left - 8}" y="${fmt(y + 4)}" text-anchor="end" font-size="12">${formatTick(t, yScale.step)}</text>`);
  }
  const xTicks: Array<{ x: number; label: string }> = xScale
    ? xScale.ticks.map((t) => ({ x: px(t), label: formatTick(t, xScale.step) }))
    : categories.map((c) => ({ x: px(c), label: c }));
  for (const t of xTicks) {
    parts.push(`<line x1="${fmt(t.x)}" y1="${PLOT.top}" x2="${fmt(t.x)}" y2="${bottom}" stroke="#f0f0f0"/>`);
    parts.push(`<line x1="${fmt(t.x)}" y1="${bottom}" x2="${fmt(t.x)}" y2="${bottom + 5}" stroke="#333"/>`);
    parts.push(`<text x="${fmt(t.x)}" y="${bottom + 20}" text-anchor="middle" font-size="12">${escapeXml(t.label)}</text>`);
  }
  parts.push(`<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.width}" height="${PLOT.height}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${fmt(PLOT.left + PLOT.width / 2)}" y="${bottom + 48}" text-anchor="middle" font-size="14">${escapeXml(spec.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(22 ${fmt(PLOT.top + PLOT.height / 2)}) rotate(-90)" text-anchor="middle" font-size="14">${escapeXml(spec.yLabel)}</text>`,
  );

  spec.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length];
    const shape = SHAPES[i % SHAPES.length];
    const dash = i >= COLORS.length ? ` stroke-dasharray="6 3"` : "";
    const sorted = [...series.points].sort((a, b) => px(a.x) - px(b.x));
    // A missing value breaks the line instead of pretending a zero.
    const runs: ChartPoint[][] = [[]];
    for (const p of sorted) {
      if (p.y === null || !Number.isFinite(p.y)) runs.push([]);
      else runs[runs.length - 1].push(p);
    }
    parts.push(`<g>`);
    for (const run of runs.filter((r) => r.length > 1)) {
      const points = run.map((p) => `${fmt(px(p.x))},${fmt(py(p.y!))}`).join(" ");
      parts.push(`<polyline points="${points}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    }
    for (const p of sorted) {
      if (p.y === null || !Number.isFinite(p.y)) continue;
      parts.push(`<g>${marker(shape, px(p.x), py(p.y), color)}<title>${escapeXml(p.label ?? `${series.name}: ${p.x} → ${p.y}`)}</title></g>`);
    }
    parts.push(`</g>`);
    const ly = PLOT.top + 12 + i * LEGEND_ROW;
    parts.push(`<line x1="${legendX}" y1="${ly}" x2="${legendX + 28}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`);
    parts.push(marker(shape, legendX + 14, ly, color));
    parts.push(`<text x="${legendX + 36}" y="${ly + 4}" font-size="13">${escapeXml(shortName(series.name))}<title>${escapeXml(series.name)}</title></text>`);
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" fill="#222">`,
    `<title>${escapeXml(spec.title)}</title>`,
    ...parts,
    `</svg>`,
    "",
  ].join("\n");
}
