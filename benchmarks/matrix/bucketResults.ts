/**
 * Results from the bucket the Job uploads to (servelab:results.bucket): `<resultsLocation><run id>/<file>`,
 * run ids being UTC timestamps (20250323T101500Z). Uses the clouds' own CLIs (gcloud, aws), so the user's
 * existing credentials apply; tos:// goes through the S3 API at $SERVELAB_S3_ENDPOINT, like the Job does.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { ResultFile } from "../results/logMarkers";

export type CommandRunner = (command: string, args: string[], env?: NodeJS.ProcessEnv) => Promise<string>;

export class BucketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BucketError";
  }
}

export const runCommand: CommandRunner = (command, args, env) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...(env ? { env } : {}) });
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
  /** TOS: the AWS CLI must send virtual-hosted requests, which it does through a custom endpoint only when its config says so. */
  virtualAddressing?: boolean;
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
    return {
      list: ["aws", ["s3", "ls", s3, ...extra]],
      copy: (id, dir) => ["aws", ["s3", "cp", "--recursive", `${s3}${id}/`, dir, ...extra]],
      ...(scheme === "tos" ? { virtualAddressing: true } : {}),
    };
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

/**
 * An AWS CLI config file's text with `s3 = addressing_style = virtual` in `profile`'s section, everything else kept.
 * With --endpoint-url the CLI addresses buckets path-style unless addressing_style is "virtual" (aws/aws-cli v2
 * awscli/botocore/args.py, _compute_endpoint_resolver_builtin_defaults), and TOS refuses path-style requests (BytePlus
 * TOS docs, "Compatibility with Amazon S3"); the CLI has no flag or environment variable for the style.
 */
export function withVirtualAddressing(config: string, profile: string): string {
  const lines = config.split(/\r?\n/);
  const name = profile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const header = new RegExp(`^\\s*\\[\\s*(profile\\s+)?${name}\\s*\\]\\s*$`);
  const start = lines.findIndex((l) => header.test(l));
  if (start < 0) {
    const section = profile === "default" ? "[default]" : `[profile ${profile}]`;
    return `${config}${config && !config.endsWith("\n") ? "\n" : ""}${section}\ns3 =\n    addressing_style = virtual\n`;
  }
  let end = lines.findIndex((l, i) => i > start && /^\s*\[/.test(l));
  if (end < 0) end = lines.length;
  const style = lines.findIndex((l, i) => i > start && i < end && /^\s*addressing_style\s*=/.test(l));
  if (style >= 0) lines[style] = lines[style].replace(/=.*$/, "= virtual");
  else {
    const s3 = lines.findIndex((l, i) => i > start && i < end && /^s3\s*=\s*$/.test(l));
    if (s3 >= 0) lines.splice(s3 + 1, 0, "    addressing_style = virtual");
    else lines.splice(start + 1, 0, "s3 =", "    addressing_style = virtual");
  }
  return lines.join("\n");
}

/**
 * The environment the AWS CLI runs with for TOS: the user's config (AWS_CONFIG_FILE or ~/.aws/config) copied into `dir`
 * with virtual-hosted addressing for the active profile, and the CLI's default CRC checksums off (aws-cli >= 2.23 sends
 * and checks them, which S3-compatible stores have refused; the Job's upload opts out the same way).
 */
export function tosCliEnv(env: NodeJS.ProcessEnv, dir: string): NodeJS.ProcessEnv {
  const source = env.AWS_CONFIG_FILE || join(homedir(), ".aws", "config");
  const config = existsSync(source) ? readFileSync(source, "utf8") : "";
  const path = join(dir, "aws-config");
  writeFileSync(path, withVirtualAddressing(config, env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || "default"), { mode: 0o600 });
  return { ...env, AWS_CONFIG_FILE: path, AWS_REQUEST_CHECKSUM_CALCULATION: "when_required", AWS_RESPONSE_CHECKSUM_VALIDATION: "when_required" };
}

export async function fetchBucketResults(
  location: string,
  since: Date,
  run: CommandRunner = runCommand,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ runId: string; files: ResultFile[] }> {
  const commands = bucketCommands(location, env);
  const configDir = commands.virtualAddressing ? mkdtempSync(join(tmpdir(), "servelab-aws-")) : undefined;
  try {
    const cliEnv = configDir ? tosCliEnv(env, configDir) : undefined;
    return await fetchRun(location, since, commands, (command, args) => run(command, args, cliEnv));
  } finally {
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  }
}

async function fetchRun(location: string, since: Date, commands: BucketCommands, run: CommandRunner): Promise<{ runId: string; files: ResultFile[] }> {
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
