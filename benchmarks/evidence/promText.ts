/**
 * Prometheus text exposition format (version 0.0.4), read into samples (pure). Only what /metrics pages of
 * vLLM, LMCache and the routers use: `name{label="value",...} value [timestamp]`, comments, escapes in label values.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_:]*/;

function parseLabels(text: string, start: number): { labels: Record<string, string>; end: number } | null {
  const labels: Record<string, string> = {};
  let i = start + 1;
  while (i < text.length) {
    while (text[i] === " " || text[i] === ",") i++;
    if (text[i] === "}") return { labels, end: i + 1 };
    const name = NAME.exec(text.slice(i));
    if (!name) return null;
    i += name[0].length;
    if (text[i] !== "=" || text[i + 1] !== '"') return null;
    i += 2;
    let value = "";
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\" && i + 1 < text.length) {
        const next = text[i + 1];
        value += next === "n" ? "\n" : next;
        i += 2;
      } else value += text[i++];
    }
    if (text[i] !== '"') return null;
    labels[name[0]] = value;
    i++;
  }
  return null;
}

function parseValue(text: string): number | null {
  const word = text.trim().split(/\s+/)[0];
  if (word === "+Inf") return Infinity;
  if (word === "-Inf") return -Infinity;
  if (word === "NaN") return NaN;
  const n = Number(word);
  return word !== "" && Number.isFinite(n) ? n : null;
}

/** Every sample on the page; lines that are not samples (comments, garbage) are skipped. */
export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const name = NAME.exec(line);
    if (!name) continue;
    let rest = line.slice(name[0].length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) {
      const parsed = parseLabels(rest, 0);
      if (!parsed) continue;
      labels = parsed.labels;
      rest = rest.slice(parsed.end);
    }
    const value = parseValue(rest);
    if (value !== null) out.push({ name: name[0], labels, value });
  }
  return out;
}

/** Samples of one page by metric name. */
export type MetricPage = Map<string, Sample[]>;

export function metricPage(text: string): MetricPage {
  const page: MetricPage = new Map();
  for (const s of parsePrometheusText(text)) page.set(s.name, [...(page.get(s.name) ?? []), s]);
  return page;
}

/** The sum over a metric's series (a counter split by finished_reason or engine), or null when the page lacks it. */
export function total(page: MetricPage, name: string): number | null {
  const samples = page.get(name);
  return samples && samples.length > 0 ? samples.reduce((a, s) => a + s.value, 0) : null;
}

/** The sum over the series of a metric whose labels pass `keep`, or null when none does. */
export function totalWhere(page: MetricPage, name: string, keep: (labels: Record<string, string>) => boolean): number | null {
  const samples = (page.get(name) ?? []).filter((s) => keep(s.labels));
  return samples.length > 0 ? samples.reduce((a, s) => a + s.value, 0) : null;
}
