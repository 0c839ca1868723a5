/** The Python drivers that run in the benchmark Job, exercised with the machine's python3. */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseLogResults } from "../benchmarks/results/logMarkers";

const SCRIPTS = resolve(__dirname, "../benchmarks/scripts");
const python = (code: string, args: string[] = []) =>
  spawnSync("python3", ["-c", code, ...args], { cwd: SCRIPTS, encoding: "utf8", env: { ...process.env, PYTHONPATH: SCRIPTS } });

describe("servelab_common.emit_results", () => {
  it("prints files between markers that the TypeScript reader decodes byte for byte", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-emit-"));
    const csv = "prompt_tokens,generation_tokens,ttft\n21000,100,0.18\n".repeat(500);
    writeFileSync(join(dir, "k8s_stack_output_0.1.csv"), csv);
    writeFileSync(join(dir, "manifest.json"), '{"experiment": "k8s_stack"}\n');
    const run = python("import sys, servelab_common as c; c.emit_results(sys.argv[1:], 'ok')", [join(dir, "manifest.json"), join(dir, "k8s_stack_output_0.1.csv")]);
    expect(run.status).toBe(0);
    const log = `some engine chatter\n${run.stdout}trailing line\n`;
    const parsed = parseLogResults(log, "pod log");
    expect(parsed.status).toBe("ok");
    expect(parsed.files.map((f) => f.name)).toEqual(["manifest.json", "k8s_stack_output_0.1.csv"]);
    expect(parsed.files[1].content.toString()).toBe(csv);
    expect(Math.max(...run.stdout.split("\n").map((l) => l.length))).toBeLessThan(200);
  });
});

describe("mrqa_counted.py", () => {
  it("counts completed, failed and cancelled requests of multi-round-qa, which its CSV cannot show", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-mrqa-"));
    const counts = join(dir, "counts.json");
    const run = spawnSync(
      "python3",
      [join(SCRIPTS, "mrqa_counted.py"), resolve(__dirname, "fixtures/scripts/fake_multi_round_qa.py"), counts, "--", "--plan", "ok,ok,fail,hang,ok", "--output", join(dir, "out.csv")],
      { encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(counts, "utf8"))).toEqual({ launched: 5, completed: 3, failed: 1, cancelled: 1 });
    expect(run.stderr).toContain("request failed: ConnectionError: server went away");
  });
});

describe("servelab_common.wait_ready", () => {
  it("waits until the model is listed and one request succeeds", async () => {
    let listed = false;
    let chats = 0;
    const server = createServer((req, res) => {
      if (req.url === "/v1/models") {
        res.end(JSON.stringify({ data: listed ? [{ id: "m" }] : [] }));
        listed = true;
      } else if (req.url === "/v1/chat/completions") {
        chats += 1;
        res.statusCode = chats === 1 ? 503 : 200;
        res.end(chats === 1 ? "warming up" : JSON.stringify({ choices: [{ message: { content: "OK" } }] }));
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const code = await new Promise<number>((r) => {
      const child = spawn("python3", ["-c", `import servelab_common as c; c.wait_ready("http://127.0.0.1:${port}/v1", "m", 20, poll_s=0.1)`], { cwd: SCRIPTS, env: { ...process.env, PYTHONPATH: SCRIPTS } });
      child.on("exit", (c) => r(c ?? 1));
    });
    server.close();
    expect(code).toBe(0);
    expect(chats).toBe(2);
  });

  it("gives up with a message naming the endpoint after its timeout", () => {
    const run = python('import servelab_common as c; c.wait_ready("http://127.0.0.1:9/v1", "m", 1, poll_s=0.2)');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/http:\/\/127\.0\.0\.1:9\/v1 did not serve m within 1s/);
  });
});

describe("vllm_bench_sweep.py", () => {
  it("passes the server root to vllm bench and counts lost requests in old and new result formats", () => {
    const run = python(
      "import vllm_bench_sweep as v\n" +
        "print(v.common.server_root('http://kubeai/openai/v1'), v.common.server_root('http://svc:80/v1/'))\n" +
        "print(v.lost_requests({'completed': 990, 'failed': 10}, 1000), v.lost_requests({'completed': 990}, 1000), v.lost_requests({'completed': 1000, 'failed': 0}, 1000))",
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual(["http://kubeai/openai http://svc:80", "10 10 0"]);
  });
});
