/**
 * What the text around a printed result says about it: the Markdown heading it sits under (published
 * write-ups) and the load the run was started with (command-line flags, benchmark_serving's Namespace(...)
 * echo and its "Traffic request rate:" lines). Used to name and place result blocks found in logs and documents.
 */

/** `kubectl logs --timestamps` prefix. */
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)\s/;

export function stripTimestamp(line: string): string {
  return line.replace(TIMESTAMP, "");
}

const HINTS: Array<{ key: "requestRate" | "maxConcurrency"; pattern: RegExp }> = [
  { key: "requestRate", pattern: /--request[-_]rate(?:=|\s+)(inf|\d+(?:\.\d+)?)/ },
  { key: "requestRate", pattern: /\brequest_rate=(inf|\d+(?:\.\d+)?)/ },
  { key: "requestRate", pattern: /Traffic request rate:\s*(inf|\d+(?:\.\d+)?)/ },
  { key: "maxConcurrency", pattern: /--max[-_]concurrency(?:=|\s+)(\d+)/ },
  { key: "maxConcurrency", pattern: /\bmax_concurrency=(\d+)/ },
  { key: "maxConcurrency", pattern: /Maximum request concurrency:\s*(\d+)/ },
];

export class TextContext {
  heading: string | null = null;
  requestRate: number | "inf" | null = null;
  maxConcurrency: number | null = null;
  private inFence = false;

  /** Feed every line before (and between) result blocks, in order. */
  see(rawLine: string): void {
    const line = stripTimestamp(rawLine);
    if (/^\s*(```|~~~)/.test(line)) {
      this.inFence = !this.inFence;
      return;
    }
    const heading = this.inFence ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) this.heading = heading[1];
    for (const { key, pattern } of HINTS) {
      const m = pattern.exec(line);
      if (!m) continue;
      if (key === "requestRate") this.requestRate = m[1] === "inf" ? "inf" : Number(m[1]);
      else this.maxConcurrency = Number(m[1]);
    }
  }

  /** The most recent rate and concurrency seen (a write-up states them once per section, before several results). */
  load(): Record<string, number | string> {
    const load: Record<string, number | string> = {};
    if (this.maxConcurrency !== null) load.maxConcurrency = this.maxConcurrency;
    if (this.requestRate !== null) load.requestRate = this.requestRate;
    return load;
  }
}
