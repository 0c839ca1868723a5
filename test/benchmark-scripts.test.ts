/** The Python drivers that run in the benchmark Job, exercised with the machine's python3. */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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

/** Stand-ins for boto3/botocore and google-cloud-storage that record every call as a JSON line in $FAKE_CALLS. */
function fakeCloudModules(): string {
  const dir = mkdtempSync(join(tmpdir(), "sl-fake-clients-"));
  const record = "import json, os\ndef record(**call):\n    with open(os.environ['FAKE_CALLS'], 'a') as f:\n        f.write(json.dumps(call) + '\\n')\n";
  const files: Record<string, string> = {
    "fake_record.py": record,
    "boto3/__init__.py":
      "from fake_record import record\nimport os\n" +
      "class _S3:\n    def __init__(self, endpoint_url, config):\n        self.endpoint_url, self.config = endpoint_url, config\n" +
      "    def put_object(self, Bucket, Key, Body):\n        record(op='put_object', bucket=Bucket, key=Key, body=Body.read().decode(), endpoint=self.endpoint_url,\n" +
      "               config=self.config and self.config.kwargs, key_id=os.environ.get('AWS_ACCESS_KEY_ID'), region=os.environ.get('AWS_DEFAULT_REGION'))\n" +
      "def client(service, endpoint_url=None, config=None):\n    assert service == 's3'\n    return _S3(endpoint_url, config)\n",
    "botocore/__init__.py": "",
    "botocore/config.py": "class Config:\n    def __init__(self, **kwargs):\n        self.kwargs = kwargs\n",
    "google/__init__.py": "",
    "google/cloud/__init__.py": "",
    "google/cloud/storage.py":
      "from fake_record import record\n" +
      "class _Blob:\n    def __init__(self, bucket, name):\n        self.bucket, self.name = bucket, name\n" +
      "    def upload_from_filename(self, path):\n        record(op='upload_from_filename', bucket=self.bucket, key=self.name, body=open(path).read())\n" +
      "class _Bucket:\n    def __init__(self, name):\n        self.name = name\n    def blob(self, name):\n        return _Blob(self.name, name)\n" +
      "class Client:\n    def bucket(self, name):\n        return _Bucket(name)\n",
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe("servelab_common.upload_results", () => {
  const fakes = fakeCloudModules();
  function upload(bucket: string, env: Record<string, string>): Array<Record<string, any>> {
    const dir = mkdtempSync(join(tmpdir(), "sl-upload-"));
    writeFileSync(join(dir, "manifest.json"), '{"experiment": "k8s_stack"}\n');
    writeFileSync(join(dir, "out.csv"), "a,b\n1,2\n");
    const calls = join(dir, "calls.jsonl");
    const run = spawnSync(
      "python3",
      ["-c", "import sys, servelab_common as c; c.upload_results(sys.argv[1], 'k8s_stack', 'run-7', sys.argv[2:])", bucket, join(dir, "manifest.json"), join(dir, "out.csv")],
      { cwd: SCRIPTS, encoding: "utf8", env: { ...process.env, PYTHONPATH: `${fakes}:${SCRIPTS}`, FAKE_CALLS: calls, ...env } },
    );
    expect(run.status, run.stderr).toBe(0);
    return readFileSync(calls, "utf8").trim().split("\n").map((line) => JSON.parse(line));
  }

  it("puts each file under <bucket prefix>/<stack>/<run id>/ on TOS with the Job's key, endpoint and virtual-hosted addressing, one PutObject a file", () => {
    const calls = upload("tos://lab-results/servelab", {
      AWS_ACCESS_KEY_ID: "AKTEST",
      AWS_DEFAULT_REGION: "cn-beijing",
      SERVELAB_S3_ENDPOINT: "https://tos-s3-cn-beijing.ivolces.com",
      SERVELAB_S3_ADDRESSING_STYLE: "virtual",
    });
    expect(calls).toEqual([
      expect.objectContaining({ op: "put_object", bucket: "lab-results", key: "servelab/k8s_stack/run-7/manifest.json", body: '{"experiment": "k8s_stack"}\n' }),
      expect.objectContaining({ op: "put_object", bucket: "lab-results", key: "servelab/k8s_stack/run-7/out.csv", body: "a,b\n1,2\n" }),
    ]);
    expect(calls[0]).toMatchObject({
      endpoint: "https://tos-s3-cn-beijing.ivolces.com",
      config: { signature_version: "s3v4", s3: { addressing_style: "virtual" } },
      key_id: "AKTEST",
      region: "cn-beijing",
    });
  });

  it("uses AWS's own endpoint and default addressing on S3", () => {
    const calls = upload("s3://lab-results", { AWS_DEFAULT_REGION: "us-east-1", SERVELAB_S3_ENDPOINT: "", SERVELAB_S3_ADDRESSING_STYLE: "" });
    expect(calls.map((c) => c.key)).toEqual(["k8s_stack/run-7/manifest.json", "k8s_stack/run-7/out.csv"]);
    expect(calls[0]).toMatchObject({ endpoint: null, config: null, region: "us-east-1" });
  });

  it("creates new objects through google-cloud-storage on GCS (nothing but object create)", () => {
    const calls = upload("gs://lab-results/a/b/", {});
    expect(calls).toEqual([
      { op: "upload_from_filename", bucket: "lab-results", key: "a/b/k8s_stack/run-7/manifest.json", body: '{"experiment": "k8s_stack"}\n' },
      { op: "upload_from_filename", bucket: "lab-results", key: "a/b/k8s_stack/run-7/out.csv", body: "a,b\n1,2\n" },
    ]);
  });
});

describe("benchmark.maxFailedRequests in the drivers", () => {
  it("fails a point on any lost request by default and logs losses within the limit", () => {
    const run = python(
      "import json, argparse, servelab_common as c, multi_round_qa_sweep as q\n" +
        "strict, tolerant = argparse.Namespace(max_failed_requests=0), argparse.Namespace(max_failed_requests=5)\n" +
        "print(json.dumps([c.lost_requests_failure(strict, 'p', 0, 10), c.lost_requests_failure(strict, 'p', 3, 10), c.lost_requests_failure(tolerant, 'p', 3, 10), c.lost_requests_failure(tolerant, 'p', 6)]))\n" +
        "open('/tmp/sl-mfr.csv', 'w').write('x')\n" +
        "print(json.dumps([q.point_failure(strict, 'qps 1', 0, {'launched': 10, 'completed': 7, 'failed': 3}, '/tmp/sl-mfr.csv'), q.point_failure(tolerant, 'qps 1', 0, {'launched': 10, 'completed': 7, 'failed': 3}, '/tmp/sl-mfr.csv')]))",
    );
    expect(run.status, run.stderr).toBe(0);
    const [common, mrqa] = run.stdout.trim().split("\n").filter((l) => l.startsWith("[n") || l.startsWith("[\"")).map((l) => JSON.parse(l));
    expect(common).toEqual([null, "p: 3 of 10 requests failed (benchmark.maxFailedRequests is 0)", null, "p: 6 requests failed (benchmark.maxFailedRequests is 5)"]);
    expect(mrqa).toEqual(["qps 1: 3 of 10 requests failed (benchmark.maxFailedRequests is 0); multi-round-qa drops them from its CSV", null]);
    expect(run.stdout).toContain("p: 3 of 10 requests failed, within benchmark.maxFailedRequests 5");
  });
});

describe("benchmark.repeats in the multi-round-qa driver", () => {
  it("warms up once, then runs the sweep per repeat with user ids a million apart, naming repeat k's files <experiment>_repeat<k>_", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-mrqa-repeats-"));
    // The vendored script is replaced by a recorder that writes the CSV and counts the driver expects.
    const run = python(
      "import json, sys, subprocess, servelab_common as c, multi_round_qa_sweep as q\n" +
        "calls = []\n" +
        "class Done:\n    returncode = 0\n" +
        "def fake_run(command, cwd=None):\n" +
        "    calls.append(command)\n" +
        "    csv = command[command.index('--output') + 1]\n" +
        "    open(csv, 'w').write('x')\n" +
        "    json.dump({'launched': 1, 'completed': 1, 'failed': 0, 'cancelled': 0}, open(command[3], 'w'))\n" +
        "    return Done()\n" +
        "q.subprocess.run = fake_run\n" +
        "c.wait_ready = lambda *a: None\n" +
        "c.pip_install = lambda *a: None\n" +
        "finished = {}\n" +
        "c.finish = lambda args, harness, points, files, failures, started, failed_requests=None, repeat_failed_requests=None: finished.update(points=points, files=[f.rsplit('/', 1)[1] for f in files], failures=failures, failed=failed_requests, by_repeat=repeat_failed_requests)\n" +
        `q.main(['--base-url', 'http://r/v1', '--model', 'm', '--experiment', 'exp', '--results-dir', '${dir}', '--ready-timeout', '1', '--repeats', '2', '--users', '2', '--rounds', '2', '--system-prompt-tokens', '10', '--history-tokens', '10', '--answer-tokens', '5', '--seconds-per-point', '1', '--pause-seconds', '0', '--warmup-seconds', '1', '--script', 'x.py', '--qps', '0.5', '1'])\n` +
        "print(json.dumps({'ids': [(cmd[cmd.index('--init-user-id') + 1] if '--init-user-id' in cmd else None, cmd[cmd.index('--qps') + 1]) for cmd in calls], **finished}))",
    );
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim().split("\n").pop()!);
    expect(out.ids).toEqual([[null, "2"], [null, "0.5"], [null, "1"], ["1000000", "0.5"], ["1000000", "1"]]);
    expect(out.files).toEqual(["exp_output_0.5.csv", "exp_counts_0.5.json", "exp_output_1.csv", "exp_counts_1.json", "exp_repeat2_output_0.5.csv", "exp_repeat2_counts_0.5.json", "exp_repeat2_output_1.csv", "exp_repeat2_counts_1.json"]);
    expect(out.points).toEqual([{ qps: 0.5 }, { qps: 1 }]);
    expect(out.by_repeat).toEqual([[0, 0], [0, 0]]);
    expect(out.failures).toEqual([]);
  });

  it("writes repeats into the manifest only when there is more than one", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-manifest-"));
    const code =
      "import json, argparse, os, servelab_common as c\n" +
      "c.emit_results = lambda paths, status: None\n" +
      "for n in (1, 3):\n" +
      `    args = argparse.Namespace(experiment='e', results_dir='${dir}', max_failed_requests=0, repeats=n)\n` +
      "    c.finish(args, 'h', [{'qps': 1}], [], [], 's', failed_requests=[0], repeat_failed_requests=[[0]] * n)\n" +
      `    m = json.load(open(os.path.join('${dir}', 'manifest.json')))\n` +
      "    print(json.dumps([m.get('repeats'), m.get('repeatFailedRequests')]))";
    const run = spawnSync("python3", ["-c", code], { cwd: SCRIPTS, encoding: "utf8", env: { ...process.env, PYTHONPATH: SCRIPTS, SERVELAB_RESULTS_BUCKET: "" } });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n").map((l) => JSON.parse(l))).toEqual([[null, null], [3, [[0], [0], [0]]]]);
  });
});
