/**
 * Collecting results: from the benchmark pod's log through a (local, fake) Kubernetes API with the
 * kubeconfig's credentials, and from the bucket through the cloud CLIs (faked command runner).
 */
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bucketCommands, fetchBucketResults, newestRunSince, runIdAt, runIdsInListing, withVirtualAddressing } from "../benchmarks/matrix/bucketResults";
import { CollectError, CollectSources, LogOrBucketCollector } from "../benchmarks/matrix/collect";
import { ENGINE_LOG_LIMIT_BYTES, enginePodLog } from "../benchmarks/matrix/enginePodLog";
import { jobPodLog } from "../benchmarks/matrix/jobPodLog";
import { KubeApiError, KubeClient } from "../benchmarks/matrix/kubeApi";
import { credentials, parseKubeconfig } from "../benchmarks/matrix/kubeconfig";
import { NOT_VLLM, V0102_V0_FALLBACK, V0102_V1_FLASHINFER } from "./fixtures/results/engineLogs";
import { markerLog } from "./fixtures/results/markerLog";

const MANIFEST = JSON.stringify({ experiment: "k8s_stack", harness: "multi-round-qa", points: [{ qps: 0.1 }], failures: [] });
const LOG = markerLog([{ name: "manifest.json", content: MANIFEST }, { name: "k8s_stack_output_0.1.csv", content: "a,b\n" }]);

const kubeconfig = (server: string, user: string) => `apiVersion: v1
kind: Config
current-context: bench
contexts:
- name: bench
  context: { cluster: gke, user: runner }
clusters:
- name: gke
  cluster:
    server: ${server}/
users:
- name: runner
  user:
${user}`;

describe("the pod log through the Kubernetes API", () => {
  let server: Server;
  let base: string;
  const requests: Array<{ url: string; auth?: string }> = [];
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      requests.push({ url: req.url!, auth: req.headers.authorization });
      if (req.headers.authorization !== "Bearer good-token") {
        res.writeHead(401, { "content-type": "application/json" }).end('{"kind":"Status","message":"Unauthorized"}');
      } else if (req.url === "/api/v1/namespaces/bench/pods?labelSelector=job-name%3Dbenchmark") {
        res.end(JSON.stringify({ items: [
          { metadata: { name: "benchmark-old", creationTimestamp: "2025-03-23T09:00:00Z" } },
          { metadata: { name: "benchmark-new", creationTimestamp: "2025-03-23T10:00:00Z" } },
        ] }));
      } else if (req.url === "/api/v1/namespaces/bench/pods/benchmark-new/log") {
        res.end(LOG);
      } else if (req.url === `/api/v1/namespaces/bench/pods?labelSelector=${encodeURIComponent("app=model,model=llama-3.1-8b-instruct-fp8-l4")}`) {
        // KubeAI's labels: a pod still starting, the oldest running one, a younger running one.
        res.end(JSON.stringify({ items: [
          { metadata: { name: "model-b", creationTimestamp: "2025-09-20T09:00:00Z" }, status: { phase: "Pending" } },
          { metadata: { name: "model-c", creationTimestamp: "2025-09-20T10:05:00Z" }, status: { phase: "Running" } },
          { metadata: { name: "model-a", creationTimestamp: "2025-09-20T10:00:00Z" }, status: { phase: "Running" } },
        ] }));
      } else if (req.url === `/api/v1/namespaces/bench/pods/model-a/log?container=server&limitBytes=${ENGINE_LOG_LIMIT_BYTES}`) {
        res.end(V0102_V1_FLASHINFER);
      } else if (req.url?.startsWith("/api/v1/namespaces/empty/pods")) {
        res.end('{"items": []}');
      } else {
        res.writeHead(404).end('{"kind":"Status","message":"not found"}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it("reads an existing cluster's kubeconfig from the path its stack outputs (kubeconfig clusters, rehearsals)", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "sl-kubeconfig-")), "config");
    writeFileSync(path, kubeconfig(base, "    token: good-token"));
    const { log } = await jobPodLog(await KubeClient.fromKubeconfig(path), "bench", "benchmark");
    expect(log).toBe(LOG);
    await expect(KubeClient.fromKubeconfig(join(tmpdir(), "no-such-kubeconfig"))).rejects.toThrow(/neither a kubeconfig nor a file this machine can read/);
  });

  it("reads the Job's log through the context the stack's cluster names, not the file's current context", async () => {
    // A rehearsal on kind-servelab while the file's current context is another cluster (here: nothing listening).
    const path = join(mkdtempSync(join(tmpdir(), "sl-kubeconfig-")), "config");
    const twoContexts = kubeconfig(base, "    token: good-token")
      .replace("current-context: bench", "current-context: work")
      .replace("contexts:\n", "contexts:\n- name: work\n  context: { cluster: work, user: runner }\n- name: kind-servelab\n  context: { cluster: gke, user: runner }\n")
      .replace("clusters:\n", "clusters:\n- name: work\n  cluster:\n    server: http://127.0.0.1:1/\n");
    writeFileSync(path, twoContexts);
    const outputs = { kubeconfig: path, namespace: "bench", benchmarkJobName: "benchmark" };
    const collected = await new LogOrBucketCollector().collect("rehearse-k8s_stack", { ...outputs, kubeContext: "kind-servelab" }, { since: new Date(0) });
    expect(collected).toMatchObject({ source: "pod-log", status: "ok", log: LOG });
    await expect(new LogOrBucketCollector().collect("rehearse-k8s_stack", outputs, { since: new Date(0) })).rejects.toThrow(/GET \/api\/v1\/namespaces\/bench\/pods: .*ECONNREFUSED/);
  });

  it("finds the Job's newest pod and reads its log with the kubeconfig's token", async () => {
    const client = await KubeClient.fromKubeconfig(kubeconfig(base, "    token: good-token"));
    const { pod, log } = await jobPodLog(client, "bench", "benchmark");
    expect(pod).toBe("benchmark-new");
    expect(log).toBe(LOG);
    expect(requests.every((r) => r.auth === "Bearer good-token")).toBe(true);
  });

  it("gets the token from an exec plugin (gke-gcloud-auth-plugin style)", async () => {
    const plugin = join(mkdtempSync(join(tmpdir(), "sl-plugin-")), "plugin.js");
    writeFileSync(plugin, `const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO); console.log(JSON.stringify({ apiVersion: info.apiVersion, kind: "ExecCredential", status: { token: process.env.TOKEN_PREFIX + "-token" } }));`);
    const user = `    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: ${process.execPath}\n      args: [${plugin}]\n      env: [{ name: TOKEN_PREFIX, value: good }]`;
    const client = await KubeClient.fromKubeconfig(kubeconfig(base, user));
    expect((await jobPodLog(client, "bench", "benchmark")).pod).toBe("benchmark-new");
  });

  it("reads the start of one running engine pod's vLLM container, found by the router's labels", async () => {
    const client = await KubeClient.fromKubeconfig(kubeconfig(base, "    token: good-token"));
    const { pod, log } = await enginePodLog(client, "bench", "app=model,model=llama-3.1-8b-instruct-fp8-l4", "server");
    expect(pod).toBe("model-a");
    expect(log).toBe(V0102_V1_FLASHINFER);
    await expect(enginePodLog(client, "empty", "app=model,model=x", "server")).rejects.toThrow("no engine pod matches app=model,model=x in empty");
  });

  it("says what went wrong: a rejected token, a Job without pods", async () => {
    const bad = await KubeClient.fromKubeconfig(kubeconfig(base, "    token: wrong"));
    await expect(jobPodLog(bad, "bench", "benchmark")).rejects.toThrow("GET /api/v1/namespaces/bench/pods: 401 Unauthorized: Unauthorized");
    const good = await KubeClient.fromKubeconfig(kubeconfig(base, "    token: good-token"));
    await expect(jobPodLog(good, "empty", "benchmark")).rejects.toThrow(KubeApiError);
    await expect(jobPodLog(good, "empty", "benchmark")).rejects.toThrow("no pod of Job empty/benchmark (deleted already?)");
  });
});

describe("kubeconfig", () => {
  it("reads the server, CA and client certificate", () => {
    const user = `    client-certificate-data: ${Buffer.from("CERT").toString("base64")}\n    client-key-data: ${Buffer.from("KEY").toString("base64")}`;
    const text = kubeconfig("https://34.1.2.3", user).replace("server: https://34.1.2.3/", `server: https://34.1.2.3/\n    certificate-authority-data: ${Buffer.from("CA").toString("base64")}`);
    const target = parseKubeconfig(text);
    expect(target.server).toBe("https://34.1.2.3");
    expect(target.ca?.toString()).toBe("CA");
    expect(target.cert?.toString()).toBe("CERT");
    expect(target.key?.toString()).toBe("KEY");
    expect(target.insecure).toBe(false);
  });

  it("refuses what it cannot use, naming fields but no secret values", async () => {
    expect(() => parseKubeconfig(kubeconfig("https://x", "    auth-provider: { name: gcp }"))).toThrow('kubeconfig: user "runner" uses an auth-provider');
    expect(() => parseKubeconfig(kubeconfig("https://x", "    token: t").replace("current-context: bench", "current-context: other"))).toThrow('kubeconfig: no context named "other"');
    const target = parseKubeconfig(kubeconfig("https://x", "    exec: { command: plugin }"));
    await expect(credentials(target, async () => '{"status": {}}')).rejects.toThrow("kubeconfig exec plugin plugin returned neither a token nor a client certificate");
  });
});

describe("LogOrBucketCollector", () => {
  const outputs = { kubeconfig: "kc", namespace: "bench", benchmarkJobName: "benchmark", resultsLocation: "gs://bucket/servelab/k8s_stack/" };
  const sources = (
    podLog: CollectSources["podLog"],
    files = [{ name: "manifest.json", content: Buffer.from(MANIFEST) }],
    engineLog: CollectSources["engineLog"] = async () => ({ pod: "vllm-0", log: V0102_V1_FLASHINFER }),
  ): CollectSources & { bucketCalls: number } => {
    const s = { bucketCalls: 0, podLog, bucket: async () => (s.bucketCalls++, files), engineLog };
    return s;
  };
  const since = new Date("2025-03-23T10:00:00Z");

  it("takes the files and the Job's verdict from the pod log when it is complete", async () => {
    const src = sources(async () => LOG);
    const c = await new LogOrBucketCollector(src).collect("k8s_stack", outputs, { since });
    expect(c.source).toBe("pod-log");
    expect(c.status).toBe("ok");
    expect(c.files.map((f) => f.name)).toEqual(["manifest.json", "k8s_stack_output_0.1.csv"]);
    expect(c.log).toBe(LOG);
    expect(src.bucketCalls).toBe(0);
  });

  it("falls back to the bucket when the log was cut off, keeping the log", async () => {
    const cut = markerLog([{ name: "manifest.json", content: MANIFEST }], null);
    const failed = [{ name: "manifest.json", content: Buffer.from(JSON.stringify({ ...JSON.parse(MANIFEST), failures: ["qps 0.1: 2 of 9 requests failed"] })) }];
    const c = await new LogOrBucketCollector(sources(async () => cut, failed)).collect("k8s_stack", outputs, { since });
    expect(c).toMatchObject({ source: "bucket", status: "failed", log: cut });
  });

  it("records what the engine reported at start-up, from the pod the stack's engine outputs name", async () => {
    const asked: string[] = [];
    const src = sources(async () => LOG, undefined, async (_kc, ns, selector, container) => (asked.push(`${ns} ${selector} ${container}`), { pod: "vllm-0", log: V0102_V0_FALLBACK }));
    const c = await new LogOrBucketCollector(src).collect("k8s_stack", { ...outputs, engineSelector: "app.kubernetes.io/name=vllm,app.kubernetes.io/instance=vllm", engineContainer: "vllm" }, { since });
    expect(asked).toEqual(["bench app.kubernetes.io/name=vllm,app.kubernetes.io/instance=vllm vllm"]);
    expect(c.engine).toMatchObject({ pod: "vllm-0", reason: null, facts: { vllmVersion: "0.10.2", engine: "V0", attentionBackend: "XFORMERS", kvCacheDtype: "fp8" } });
    expect(c.engineLog).toBe(V0102_V0_FALLBACK);
  });

  it("never fails the collect over the engine: it records null and says why", async () => {
    const withEngine = { ...outputs, engineSelector: "app=model,model=m", engineContainer: "server" };
    const unreadable = sources(async () => LOG, undefined, async () => {
      throw new KubeApiError("no engine pod matches app=model,model=m in bench", 404);
    });
    const a = await new LogOrBucketCollector(unreadable).collect("k8s_stack", withEngine, { since });
    expect(a).toMatchObject({ source: "pod-log", status: "ok", engine: { pod: null, facts: null, reason: "engine log (app=model,model=m, container server): no engine pod matches app=model,model=m in bench" } });
    const silent = await new LogOrBucketCollector(sources(async () => LOG, undefined, async () => ({ pod: "model-a", log: NOT_VLLM }))).collect("k8s_stack", withEngine, { since });
    expect(silent.engine).toEqual({ pod: "model-a", facts: null, reason: "the log of engine pod model-a has none of vLLM's start-up lines (cut off, rotated, or vLLM never started)" });
    const old = await new LogOrBucketCollector(sources(async () => LOG)).collect("k8s_stack", outputs, { since });
    expect(old.engine).toMatchObject({ facts: null, reason: expect.stringContaining("lacks the kubeconfig, namespace, engineSelector or engineContainer output") });
  });

  it("names every way it tried when nothing worked", async () => {
    const src = sources(async () => {
      throw new Error("GET /api/v1/namespaces/bench/pods: connect ECONNREFUSED");
    });
    src.bucket = async () => {
      throw new Error("no run folder under gs://bucket/servelab/k8s_stack/ from 20250323T100000Z or later (found: none)");
    };
    const attempt = new LogOrBucketCollector(src).collect("k8s_stack", outputs, { since });
    await expect(attempt).rejects.toThrow(CollectError);
    await expect(new LogOrBucketCollector(src).collect("k8s_stack", outputs, { since })).rejects.toThrow(
      "no results for k8s_stack: GET /api/v1/namespaces/bench/pods: connect ECONNREFUSED; no run folder under gs://bucket/servelab/k8s_stack/ from 20250323T100000Z or later (found: none)",
    );
    await expect(new LogOrBucketCollector(src).collect("x", { namespace: "n" }, { since })).rejects.toThrow("no results for x: stack x lacks the kubeconfig, namespace or benchmarkJobName output");
  });
});

describe("bucket results", () => {
  it("finds run ids in gcloud and aws listings and picks the newest since the up started", () => {
    const gcloud = "gs://b/servelab/k8s_stack/20250322T080000Z/\ngs://b/servelab/k8s_stack/20250323T113000Z/\ngs://b/servelab/k8s_stack/notes.txt\n";
    const aws = "                           PRE 20250323T113000Z/\n                           PRE 20250323T120000Z/\n2025-03-23 10:00:00  12 README\n";
    expect(runIdsInListing(gcloud)).toEqual(["20250322T080000Z", "20250323T113000Z"]);
    expect(runIdsInListing(aws)).toEqual(["20250323T113000Z", "20250323T120000Z"]);
    expect(newestRunSince(runIdsInListing(aws), new Date("2025-03-23T11:29:59.500Z"))).toBe("20250323T120000Z");
    expect(newestRunSince(runIdsInListing(gcloud), new Date("2025-03-23T12:00:00Z"))).toBeNull();
    expect(runIdAt(new Date("2025-03-23T10:15:00.123Z"))).toBe("20250323T101500Z");
  });

  it("uses gcloud for gs://, aws for s3:// and tos:// (at $SERVELAB_S3_ENDPOINT)", () => {
    expect(bucketCommands("gs://b/servelab/k8s_stack").list).toEqual(["gcloud", ["storage", "ls", "gs://b/servelab/k8s_stack/"]]);
    expect(bucketCommands("s3://b/p/").copy("20250323T101500Z", "/tmp/x")).toEqual(["aws", ["s3", "cp", "--recursive", "s3://b/p/20250323T101500Z/", "/tmp/x"]]);
    expect(bucketCommands("tos://b/p/", { SERVELAB_S3_ENDPOINT: "https://tos-s3-cn-beijing.volces.com" }).list).toEqual(["aws", ["s3", "ls", "s3://b/p/", "--endpoint-url", "https://tos-s3-cn-beijing.volces.com"]]);
    expect(() => bucketCommands("tos://b/p/", {})).toThrow("tos:// results need SERVELAB_S3_ENDPOINT");
    expect(() => bucketCommands("ftp://b/p/")).toThrow("results location ftp://b/p/: expected gs://, s3:// or tos://");
  });

  it("TOS: the AWS CLI runs on a copy of the user's config with virtual-hosted addressing for the active profile", async () => {
    // With --endpoint-url the CLI goes path-style unless the config says virtual, and TOS takes virtual-hosted requests only.
    expect(withVirtualAddressing("", "default")).toBe("[default]\ns3 =\n    addressing_style = virtual\n");
    const user = "[default]\nregion = cn-beijing\n\n[profile lab]\nregion = cn-shanghai\ns3 =\n    max_concurrent_requests = 4\n[profile old]\ns3 =\n    addressing_style = path\n";
    expect(withVirtualAddressing(user, "default")).toBe(user.replace("[default]\n", "[default]\ns3 =\n    addressing_style = virtual\n"));
    expect(withVirtualAddressing(user, "lab")).toBe(user.replace("s3 =\n    max", "s3 =\n    addressing_style = virtual\n    max"));
    expect(withVirtualAddressing(user, "old")).toBe(user.replace("addressing_style = path", "addressing_style = virtual"));
    expect(withVirtualAddressing(user, "tos")).toBe(`${user}[profile tos]\ns3 =\n    addressing_style = virtual\n`);

    const home = mkdtempSync(join(tmpdir(), "servelab-test-aws-"));
    writeFileSync(join(home, "config"), user);
    const seen: Array<{ args: string[]; config: string; env: NodeJS.ProcessEnv }> = [];
    const run = async (_command: string, args: string[], env?: NodeJS.ProcessEnv) => {
      seen.push({ args, config: readFileSync(env!.AWS_CONFIG_FILE!, "utf8"), env: env! });
      if (args[1] === "ls") return "                           PRE 20250323T113000Z/\n";
      writeFileSync(join(args[4], "manifest.json"), MANIFEST);
      return "";
    };
    const env = { AWS_CONFIG_FILE: join(home, "config"), AWS_PROFILE: "lab", SERVELAB_S3_ENDPOINT: "https://tos-s3-cn-beijing.volces.com" };
    const { files } = await fetchBucketResults("tos://b/p/", new Date("2025-03-23T11:00:00Z"), run, env);
    expect(files.map((f) => f.name)).toEqual(["manifest.json"]);
    expect(seen.map((c) => c.args[1])).toEqual(["ls", "cp"]);
    for (const call of seen) {
      expect(call.config).toBe(withVirtualAddressing(user, "lab"));
      expect(call.env).toMatchObject({ AWS_PROFILE: "lab", AWS_REQUEST_CHECKSUM_CALCULATION: "when_required", AWS_RESPONSE_CHECKSUM_VALIDATION: "when_required" });
    }
    expect(readFileSync(join(home, "config"), "utf8")).toBe(user);
    expect(existsSync(seen[0].env.AWS_CONFIG_FILE!)).toBe(false);
  });

  it("downloads the newest run's files with the CLI", async () => {
    const calls: string[] = [];
    const run = async (command: string, args: string[]) => {
      calls.push(`${command} ${args.join(" ")}`);
      if (args[1] === "ls") return "gs://b/p/20250323T113000Z/\n";
      writeFileSync(join(args[3], "manifest.json"), MANIFEST);
      return "";
    };
    const { runId, files } = await fetchBucketResults("gs://b/p/", new Date("2025-03-23T11:00:00Z"), run);
    expect(runId).toBe("20250323T113000Z");
    expect(files.map((f) => f.name)).toEqual(["manifest.json"]);
    expect(calls[1]).toMatch(/^gcloud storage cp gs:\/\/b\/p\/20250323T113000Z\/\* \/.*servelab-bucket-/);
  });
});
