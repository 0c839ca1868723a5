import * as pulumi from "@pulumi/pulumi";

/** One thing wrong with the stack config: where (`servelab:engine.replicas`) and what. */
export interface ConfigProblem {
  path: string;
  message: string;
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.path}: ${p.message}`);
  return [`servelab: the stack config has ${problems.length} problem${problems.length === 1 ? "" : "s"}:`, ...lines].join("\n");
}

/**
 * A bad stack config. A `pulumi.RunError` makes the Pulumi CLI print only the message (no stack trace,
 * no program text); the offline plan prints it and exits 2.
 */
export class ConfigError extends pulumi.RunError {
  constructor(public readonly problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = "ConfigError";
  }
}

/** A short, safe rendering of a config value for a message. */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function joinPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const part of path) out += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  return out;
}
