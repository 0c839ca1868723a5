/**
 * The contract between the benchmark Job and whoever reads its pod log (the matrix runner, a user with
 * `kubectl logs`). The Job prints every raw result file between two marker lines so that results
 * survive without any bucket; the payload is gzip + base64 in lines of at most 76 characters so it is
 * compact (kubelet rotates container logs at 10 MiB) and no log shipper can mangle it.
 *
 *   ::servelab-result-begin:: name=<file name> bytes=<raw size> sha256=<hex of raw bytes> encoding=gzip+base64
 *   H4sIAAAAAAAA/...
 *   ::servelab-result-end:: name=<file name>
 *   ...
 *   ::servelab-run-end:: status=<ok|failed> files=<count>
 *
 * The Python side that prints these lines is benchmarks/scripts/servelab_results.py.
 */
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";

export const RESULT_BEGIN = "::servelab-result-begin::";
export const RESULT_END = "::servelab-result-end::";
export const RUN_END = "::servelab-run-end::";

export interface ResultFile {
  name: string;
  content: Buffer;
}

export interface LogResults {
  files: ResultFile[];
  /** null when the log has no run-end line (the Job was cut off or is still running). */
  status: "ok" | "failed" | null;
}

export class LogMarkerError extends Error {}

function fields(line: string, marker: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of line.slice(line.indexOf(marker) + marker.length).trim().split(/\s+/)) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** Extracts every result file from a pod log. Kubernetes may prefix lines with timestamps; those are ignored. */
export function parseLogResults(log: string, source = "log"): LogResults {
  const lines = log.split(/\r?\n/);
  const files: ResultFile[] = [];
  let status: LogResults["status"] = null;
  let announced: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.includes(RUN_END)) {
      const end = fields(line, RUN_END);
      status = end.status === "ok" ? "ok" : "failed";
      announced = end.files !== undefined ? Number(end.files) : null;
      continue;
    }
    if (!line.includes(RESULT_BEGIN)) continue;
    const head = fields(line, RESULT_BEGIN);
    const begin = i + 1;
    const chunks: string[] = [];
    for (i = begin; i < lines.length && !lines[i].includes(RESULT_END); i++) {
      chunks.push(lines[i].trim().split(/\s+/).pop() ?? "");
    }
    if (i >= lines.length) {
      throw new LogMarkerError(`${source}:${begin}: result ${head.name} has no end marker (log truncated?)`);
    }
    const content = gunzipSync(Buffer.from(chunks.join(""), "base64"));
    const sha = createHash("sha256").update(content).digest("hex");
    if (head.sha256 && head.sha256 !== sha) {
      throw new LogMarkerError(`${source}:${begin}: result ${head.name} is corrupt (sha256 mismatch)`);
    }
    files.push({ name: head.name, content });
  }
  // The pod log API serves only the current log file (kubernetes/kubernetes#59902): once kubelet rotates it
  // (containerLogMaxSize, 10 MiB by default) the first files are gone while the run-end line is still there.
  if (announced !== null && Number.isInteger(announced) && files.length < announced) {
    throw new LogMarkerError(
      `${source}: the run-end line announces ${announced} result files but the log holds ${files.length} ` +
        `(kubelet rotated the log and the log API serves only its newest part; read the results bucket)`,
    );
  }
  return { files, status };
}
