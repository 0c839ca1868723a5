/**
 * Results from the bucket the Job uploads to (servelab:results.bucket): `<resultsLocation><run id>/<file>`,
 * run ids being UTC timestamps (20250323T101500Z). Uses the clouds' own CLIs (gcloud, aws), so the user's
 * existing credentials apply; tos:// goes through the S3 API at $SERVELAB_S3_ENDPOINT, like the Job does.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ResultFile } from "../results/logMarkers";

export type CommandRunner = (command: string, args: string[]) => Promise<string>;

export class BucketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BucketError";
  }
}

export const runCommand: CommandRunner = (command, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (err) => reject(new BucketError(`${command}: ${err.message}`)));
    child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new BucketError(`${command} ${args.join(" ")} exited with ${code}: ${stderr.trim().slice(0, 300)}`))));
  });

const RUN_ID = /^\d{8}T\d{6}Z$/;

/** "20250323T101500Z" for a time, the Job's own run id format. */
export function runIdAt(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

export interface BucketCommands {
  list: [string, string[]];
  copy: (runId: string, dir: string) => [string, string[]];
}

export function bucketCommands(location: string, env: NodeJS.ProcessEnv = process.env): BucketCommands {
  const prefix = location.endsWith("/") ? location : `${location}/`;
  const scheme = /^([a-z0-9]+):\/\//.exec(prefix)?.[1];
  if (scheme === "gs") {
    return { list: ["gcloud", ["storage", "ls", prefix]], copy: (id, dir) => ["gcloud", ["storage", "cp", `${prefix}${id}/*`, dir]] };
  }
  if (scheme === "s3" || scheme === "tos") {
    const s3 = `s3://${prefix.slice(`${scheme}://`.length)}`;
    const endpoint = scheme === "tos" ? env.SERVELAB_S3_ENDPOINT : undefined;
    if (scheme === "tos" && !endpoint) throw new BucketError("tos:// results need SERVELAB_S3_ENDPOINT (the TOS S3 endpoint, e.g. https://tos-s3-cn-beijing.volces.com)");
    const extra = endpoint ? ["--endpoint-url", endpoint] : [];
    return { list: ["aws", ["s3", "ls", s3, ...extra]], copy: (id, dir) => ["aws", ["s3", "cp", "--recursive", `${s3}${id}/`, dir, ...extra]] };
  }
  throw new BucketError(`results location ${location}: expected gs://, s3:// or tos://`);
}

/** Run ids in a listing of `gcloud storage ls` (full prefixes) or `aws s3 ls` ("PRE <id>/"). */
export function runIdsInListing(listing: string): string[] {
  return listing
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/\/$/, "").split(/[\s/]+/).pop() ?? "")
    .filter((id) => RUN_ID.test(id))
    .sort();
}

/** The newest run that started at or after `since` (a run id is the Job's start time, which follows the up). */
export function newestRunSince(ids: readonly string[], since: Date): string | null {
  const floor = runIdAt(new Date(Math.floor(since.getTime() / 1000) * 1000));
  const candidates = ids.filter((id) => id >= floor).sort();
  return candidates.length > 0 ? candidates[candidates.length - 1] : null;
}

export async function fetchBucketResults(location: string, since: Date, run: CommandRunner = runCommand): Promise<{ runId: string; files: ResultFile[] }> {
  const commands = bucketCommands(location);
  const ids = runIdsInListing(await run(...commands.list));
  const runId = newestRunSince(ids, since);
  if (!runId) throw new BucketError(`no run folder under ${location} from ${runIdAt(since)} or later (found: ${ids.join(", ") || "none"})`);
  const dir = mkdtempSync(join(tmpdir(), "servelab-bucket-"));
  try {
    await run(...commands.copy(runId, dir));
    const files = readdirSync(dir)
      .sort()
      .map((name) => ({ name, content: readFileSync(join(dir, name)) }));
    if (files.length === 0) throw new BucketError(`${location}${runId}/ is empty`);
    return { runId, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
