/**
 * The Automation API throws the whole command output (stdout and stderr, twice) as one message. The
 * runner keeps that output in pulumi-<operation>.log; rows and run.json get this short form instead.
 */

export class PulumiOperationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PulumiOperationError";
  }
}

const GENERIC = /^error: (update failed|destroy failed|preview failed|\d+ errors? occurred:?)$/i;

/**
 * A row refused at its cluster claim (components/serving/clusterInstalls.ts): the API server's apply conflict names
 * the field manager of the row that holds the claim, "servelab:<organization>/<project>/<stack>".
 */
export function claimHolderOf(text: string): string | null {
  return /conflicts? with "servelab:([^"]+)"/.exec(text)?.[1] ?? null;
}

export function summarizePulumiFailure(operation: string, err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const holder = claimHolderOf(text);
  if (holder) return `pulumi ${operation} failed: the cluster is held by ${holder} (its claim on a cluster-scoped install this row also makes); destroy that row first`;
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const specific = [...new Set(lines.filter((l) => (/^error:/i.test(l) && !GENERIC.test(l)) || /^\* /.test(l)))];
  const exit = /Command failed with exit code (\d+)/.exec(text)?.[1];
  if (specific.length === 0 && lines.some((l) => /\^C received|cancell?ed/i.test(l))) return `pulumi ${operation} was cancelled`;
  if (specific.length === 0 && exit === undefined) return `pulumi ${operation} failed: ${lines.find(Boolean)?.slice(0, 300) ?? "no output"}`;
  const detail = specific.slice(0, 3).map((l) => l.slice(0, 300)).join("; ");
  return `pulumi ${operation} failed${exit !== undefined ? ` (exit ${exit})` : ""}${detail ? `: ${detail}` : ""}`;
}

/** Runs a Pulumi operation, turning its failure into a PulumiOperationError with the short message. */
export async function pulumiOperation<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new PulumiOperationError(summarizePulumiFailure(operation, err));
  }
}
