/**
 * A self-contained SVG of stacked 100 % bars: one bar per (load point, experiment), split into the replicas'
 * shares of the requests they finished. An even router draws bars of equal slices; a skewed one, one tall slice.
 */
import { escapeXml } from "./lineChart";

export interface ShareBar {
  /** Load point (cluster label on the x axis). */
  cluster: string;
  /** Experiment (bar label). */
  bar: string;
  /** Replica name -> requests it finished. */
  parts: Array<{ name: string; value: number }>;
}

const COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
const TOP = 52;
const HEIGHT = 320;
const LEFT = 70;
const BAR = 26;
const GAP = 10;
const CLUSTER_GAP = 34;
/** Wide enough for the title and the axis caption whatever the number of bars. */
const MIN_PLOT_WIDTH = 560;
const fmt = (n: number) => String(Math.round(n * 10) / 10);

export function renderShareChart(title: string, xLabel: string, bars: readonly ShareBar[]): string {
  const clusters = [...new Set(bars.map((b) => b.cluster))];
  const experiments = [...new Set(bars.map((b) => b.bar))];
  const clusterWidth = experiments.length * (BAR + GAP);
  const plotWidth = Math.max(MIN_PLOT_WIDTH, clusters.length * (clusterWidth + CLUSTER_GAP));
  const slot = plotWidth / clusters.length;
  const width = LEFT + plotWidth + 20;
  const legendTop = TOP + HEIGHT + 64;
  const height = legendTop + experiments.length * 18 + 16;
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="#ffffff"/>`];
  parts.push(`<text x="${fmt(width / 2)}" y="28" text-anchor="middle" font-size="17" font-weight="bold">${escapeXml(title)}</text>`);
  for (const t of [0, 25, 50, 75, 100]) {
    const y = TOP + HEIGHT - (t / 100) * HEIGHT;
    parts.push(`<line x1="${LEFT}" y1="${fmt(y)}" x2="${width - 20}" y2="${fmt(y)}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${LEFT - 8}" y="${fmt(y + 4)}" text-anchor="end" font-size="12">${t} %</text>`);
  }
  parts.push(`<text transform="translate(20 ${fmt(TOP + HEIGHT / 2)}) rotate(-90)" text-anchor="middle" font-size="14">share of finished requests</text>`);
  clusters.forEach((cluster, ci) => {
    const x0 = LEFT + ci * slot + (slot - clusterWidth) / 2;
    parts.push(`<text x="${fmt(x0 + clusterWidth / 2)}" y="${TOP + HEIGHT + 36}" text-anchor="middle" font-size="12" font-weight="bold">${escapeXml(cluster)}</text>`);
    experiments.forEach((experiment, ei) => {
      const bar = bars.find((b) => b.cluster === cluster && b.bar === experiment);
      const x = x0 + ei * (BAR + GAP);
      parts.push(`<text x="${fmt(x + BAR / 2)}" y="${TOP + HEIGHT + 16}" text-anchor="middle" font-size="10" fill="#666">${ei + 1}</text>`);
      if (!bar) return;
      const sum = bar.parts.reduce((a, p) => a + p.value, 0);
      if (sum <= 0) return;
      let y = TOP + HEIGHT;
      bar.parts.forEach((p, pi) => {
        const h = (p.value / sum) * HEIGHT;
        y -= h;
        const label = `${experiment} — ${cluster}: ${p.name} finished ${p.value} requests (${((100 * p.value) / sum).toFixed(1)} %)`;
        parts.push(`<rect x="${fmt(x)}" y="${fmt(y)}" width="${BAR}" height="${fmt(h)}" fill="${COLORS[pi % COLORS.length]}" stroke="#ffffff"><title>${escapeXml(label)}</title></rect>`);
      });
    });
  });
  parts.push(`<rect x="${LEFT}" y="${TOP}" width="${width - 20 - LEFT}" height="${HEIGHT}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${fmt(width / 2)}" y="${TOP + HEIGHT + 54}" text-anchor="middle" font-size="13">${escapeXml(xLabel)} (bars numbered by experiment; one colour per replica)</text>`);
  experiments.forEach((e, i) => parts.push(`<text x="${LEFT}" y="${legendTop + i * 18}" font-size="12">${i + 1}: ${escapeXml(e)}</text>`));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" fill="#222">`,
    `<title>${escapeXml(title)}</title>`,
    ...parts,
    `</svg>`,
    "",
  ].join("\n");
}
