/** Markdown table cells: numbers as the published tables print them (two decimals), "–" for what was not measured. */

export const MISSING = "–";

export function fixed(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined) return MISSING;
  if (!Number.isFinite(value)) return value > 0 ? "inf" : MISSING;
  return value.toFixed(digits);
}

export function count(value: number | null | undefined): string {
  return value === null || value === undefined ? MISSING : String(value);
}

export function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ("l" | "r")[] = []): string {
  const rule = header.map((_, i) => ((align[i] ?? "r") === "l" ? ":---" : "---:"));
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(" | ")} |`;
  return [line(header), `|${rule.map((r) => ` ${r} `).join("|")}|`, ...rows.map(line)].join("\n");
}
