/**
 * kubeai_chat_k6.py end to end with the machine's python3: a fake k6 binary, a fake OpenAI endpoint
 * and file:// downloads. Checks the unrecorded warm-up runs, the thread preparation finishing before
 * k6 starts, and benchmark.maxFailedRequests against k6's threshold exit code.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { startFakeEngine } from "./helpers/fakeEngine";

const SCRIPTS = resolve(__dirname, "../benchmarks/scripts");

/** A k6 stand-in: logs each call and what it finds on disk, writes a summary with $FAKE_FAILED lost requests, exits $FAKE_EXIT. */
const FAKE_K6 = `#!/bin/sh
summary="$3"
threads=no; [ -f "$DATA_DIR/message-threads.json" ] && threads=yes
sharegpt=present; [ -f "$WORK_DIR/sharegpt.json" ] || sharegpt=gone
echo "run summary=$summary threads=$threads sharegpt=$sharegpt addr=$MODEL_ADDR" >> "$FAKE_LOG"
printf '{"metrics": {"http_req_failed": {"passes": %s, "fails": 100, "value": 0}, "http_reqs": {"count": 100, "rate": 1}}}' "$FAKE_FAILED" > "$summary"
echo "fake k6 output"
exit "$FAKE_EXIT"
`;

function fixtures() {
  const dir = mkdtempSync(join(tmpdir(), "sl-k6-"));
  const long = "x".repeat(600);
  const conversations = [1, 2, 3].map((i) => ({ id: `t${i}`, conversations: [1, 2, 3, 4, 5].flatMap(() => [{ from: "human", value: long }, { from: "gpt", value: "ok" }]) }));
  writeFileSync(join(dir, "sharegpt.json"), JSON.stringify(conversations));
  writeFileSync(join(dir, "k6.js"), "export default function () {}\n");
  writeFileSync(join(dir, "k6"), FAKE_K6, { mode: 0o755 });
  const tar = spawnSync("python3", ["-c", "import sys, tarfile\nwith tarfile.open(sys.argv[1], 'w:gz') as t: t.add(sys.argv[2], 'k6-v0.55.0-linux-amd64/k6')", join(dir, "k6.tar.gz"), join(dir, "k6")]);
  expect(tar.status).toBe(0);
  const sha = createHash("sha256").update(readFileSync(join(dir, "k6.js"))).digest("hex");
  return { dir, sha };
}

async function runDriver(opts: { warmupRuns: number; maxFailed: number; failed: number; exit: number; repeats?: number }) {
  const { dir, sha } = fixtures();
  const engine = await startFakeEngine({ apiPrefix: "/openai/v1" });
  const work = join(dir, "work");
  const results = join(dir, "results");
  const log = join(dir, "k6.log");
  const args = [
    join(SCRIPTS, "kubeai_chat_k6.py"),
    "--base-url", engine.baseUrl, "--model", "m", "--experiment", "row", "--results-dir", results,
    "--ready-timeout", "10", "--max-failed-requests", String(opts.maxFailed),
    "--k6-archive", `file://${join(dir, "k6.tar.gz")}`, "--k6-js", `file://${join(dir, "k6.js")}`, "--k6-js-sha256", sha,
    "--sharegpt", `file://${join(dir, "sharegpt.json")}`, "--threads", "2000", "--vus", "4", "--iterations", "10",
    "--max-tokens", "10", "--max-duration-seconds", "60", "--warmup-runs", String(opts.warmupRuns),
    ...(opts.repeats ? ["--repeats", String(opts.repeats)] : []),
  ];
  const env = { ...process.env, SERVELAB_K6_WORK_DIR: work, WORK_DIR: work, FAKE_LOG: log, FAKE_FAILED: String(opts.failed), FAKE_EXIT: String(opts.exit), SERVELAB_RESULTS_BUCKET: "" };
  const out = await new Promise<{ code: number; stdout: string }>((r) => {
    const child = spawn("python3", args, { env });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stdout += d));
    child.on("exit", (code) => r({ code: code ?? 1, stdout }));
  });
  await engine.close();
  const calls = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
  const manifest = existsSync(join(results, "manifest.json")) ? JSON.parse(readFileSync(join(results, "manifest.json"), "utf8")) : null;
  return { ...out, calls, manifest, results: existsSync(results) ? readdirSync(results).sort() : [], work };
}

describe("kubeai_chat_k6.py", () => {
  it("prepares the threads in a process that is done before k6 starts, warms up unrecorded, then records one run", async () => {
    const run = await runDriver({ warmupRuns: 1, maxFailed: 0, failed: 0, exit: 0 });
    expect(run.code, run.stdout).toBe(0);
    expect(run.calls).toHaveLength(2);
    for (const call of run.calls) expect(call).toMatch(/threads=yes sharegpt=gone addr=127\.0\.0\.1:\d+\/openai$/);
    expect(run.calls[0]).toContain(`summary=${join(run.work, "warmup-1-summary.json")}`);
    expect(run.calls[1]).toMatch(/summary=.*\/results\/row_k6-summary\.json/);
    expect(run.results).toEqual(["manifest.json", "row_k6-summary.json", "row_k6.txt"]);
    expect(run.manifest).toMatchObject({ harness: "kubeai-chat-k6", failures: [], failedRequests: [0], maxFailedRequests: 0 });
    const threads = JSON.parse(readFileSync(join(run.work, "data", "message-threads.json"), "utf8"));
    expect(threads.map((t: { id: string }) => t.id)).toEqual(["t1", "t2", "t3"]);
    expect(run.stdout).toContain("warm-up run 1 of 1 (not recorded)");
  });

  it("warmupRuns 0 runs k6 once", async () => {
    const run = await runDriver({ warmupRuns: 0, maxFailed: 0, failed: 0, exit: 0 });
    expect(run.code, run.stdout).toBe(0);
    expect(run.calls).toHaveLength(1);
  });

  it("fails on any lost request by default (k6 exits 99 on the scenario's threshold) and tolerates up to benchmark.maxFailedRequests", async () => {
    const strict = await runDriver({ warmupRuns: 0, maxFailed: 0, failed: 3, exit: 99 });
    expect(strict.code).toBe(1);
    expect(strict.manifest.failures).toEqual(["the k6 run: 3 requests failed (benchmark.maxFailedRequests is 0)"]);
    const tolerant = await runDriver({ warmupRuns: 0, maxFailed: 5, failed: 3, exit: 99 });
    expect(tolerant.code, tolerant.stdout).toBe(0);
    expect(tolerant.manifest).toMatchObject({ failures: [], failedRequests: [3], maxFailedRequests: 5 });
    const crashed = await runDriver({ warmupRuns: 0, maxFailed: 5, failed: 0, exit: 107 });
    expect(crashed.manifest.failures).toEqual(["k6 exited with 107 (99 = a threshold such as http_req_failed rate==0 failed)"]);
  });

  it("with benchmark.repeats: warms up once, then records one run per repeat, each in its own files", async () => {
    const run = await runDriver({ warmupRuns: 1, maxFailed: 0, failed: 0, exit: 0, repeats: 2 });
    expect(run.code, run.stdout).toBe(0);
    expect(run.calls).toHaveLength(3);
    expect(run.calls[1]).toMatch(/summary=.*\/results\/row_k6-summary\.json/);
    expect(run.calls[2]).toMatch(/summary=.*\/results\/row_repeat2_k6-summary\.json/);
    expect(run.results).toEqual(["manifest.json", "row_k6-summary.json", "row_k6.txt", "row_repeat2_k6-summary.json", "row_repeat2_k6.txt"]);
    expect(run.manifest).toMatchObject({ repeats: 2, failedRequests: [0], repeatFailedRequests: [[0], [0]] });
  });
});
