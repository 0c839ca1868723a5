/** servelab:cluster.weightsCache: the engines load the model from a folder on the node, filled by the first that misses. */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse, parseAllDocuments, stringify } from "yaml";
import { planStack } from "../components/plan/planStack";
import { stackFilePath } from "../components/plan/stackFile";
import { CollectSources, LogOrBucketCollector } from "../benchmarks/matrix/collect";
import { weightsCacheOutcome } from "../benchmarks/results/weightsCacheLog";
import { resolveClusterFacts } from "../components/cluster/facts";
import { engineManifestInput } from "../components/engine/input";
import { engineDeployment } from "../components/engine/manifests";
import { WEIGHTS_CACHE_MOUNT, cacheFill, weightsCachePlan, weightsCacheScript } from "../components/engine/weightsCache";
import { configWarnings, parseExperimentConfig } from "../components/validate";
import { V0102_V0_FALLBACK } from "./fixtures/results/engineLogs";
import { markerLog } from "./fixtures/results/markerLog";
import { configProblems, minimalRaw, rawStackValues } from "./helpers/configs";

function deployment(raw: Record<string, any>) {
  const config = parseExperimentConfig(raw);
  const facts = resolveClusterFacts(config.cluster).facts!;
  const input = engineManifestInput({ config, facts, namespace: "ns", labels: {}, gpuPlacement: { nodeSelector: {}, tolerations: [] }, hfTokenSecret: "hf-token" }, { name: "e", service: { name: "e", port: 8000 } });
  return { config, pod: (engineDeployment(input) as any).spec.template.spec };
}

const withCache = (raw: Record<string, any>, cache: Record<string, unknown> = { kind: "nodeDisk" }) => ((raw.cluster.weightsCache = cache), raw);

describe("the engine with the cluster's weights cache", () => {
  it("Hugging Face: the weights-cache container downloads with the engine image's Hugging Face CLI (hf, else huggingface-cli) into the node folder, and vLLM loads that folder", () => {
    const { pod } = deployment(withCache(minimalRaw()));
    const [init] = pod.initContainers;
    expect(init.name).toBe("weights-cache");
    expect(init.image).toBe("vllm/vllm-openai:v0.8.5");
    expect(init.command[2]).toContain(`cli=huggingface-cli; if command -v hf >/dev/null 2>&1; then cli=hf; fi; "$cli" 'download' 'Qwen/Qwen2.5-0.5B-Instruct' '--local-dir' '.' '--exclude' 'original/*'`);
    expect(init.env).toEqual([{ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf-token", key: "token" } } }]);
    expect(init.volumeMounts).toEqual([{ name: "weights-cache", mountPath: WEIGHTS_CACHE_MOUNT }]);
    expect(pod.volumes).toContainEqual({ name: "weights-cache", hostPath: { path: "/var/lib/servelab/weights-cache", type: "DirectoryOrCreate" } });
    const vllm = pod.containers[0];
    expect(vllm.volumeMounts).toContainEqual({ name: "weights-cache", mountPath: WEIGHTS_CACHE_MOUNT });
    expect(vllm.args[vllm.args.indexOf("--model") + 1]).toBe("/weights-cache/Qwen--Qwen2.5-0.5B-Instruct--main");
    expect(vllm.args[vllm.args.indexOf("--served-model-name") + 1]).toBe("Qwen/Qwen2.5-0.5B-Instruct");
  });

  it("a Hugging Face fill gets the engine's memory, not 4Gi: hf_xet buffers gigabytes and a 4Gi limit is OOM-killed", () => {
    const { pod } = deployment(withCache(minimalRaw()));
    const [init] = pod.initContainers;
    const engineMemory = pod.containers[0].resources.requests.memory;
    expect(engineMemory).not.toBe("4Gi");
    expect(init.resources).toEqual({ requests: { cpu: "2", memory: engineMemory }, limits: { cpu: "2", memory: engineMemory } });
    // The object-storage copy (AWS CLI) keeps its own small size.
    const { pod: copied } = deployment(withCache(rawStackValues("k8s_stack_vke")));
    expect(copied.initContainers[0].resources.limits.memory).toBe("4Gi");
  });

  it("object storage: the row's copy fills the folder instead of the pod's own model cache (no copy-weights container)", () => {
    const { pod } = deployment(withCache(rawStackValues("k8s_stack_vke"), { kind: "nodeDisk", path: "/mnt/weights" }));
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(["weights-cache"]);
    const [init] = pod.initContainers;
    expect(init.image).toMatch(/amazon\/aws-cli:/);
    expect(init.command[2]).toMatch(/aws configure set default.s3.addressing_style virtual && 'aws' 's3' 'sync' '--only-show-errors' 's3:\/\/[^']+' '\.' '--endpoint-url'/);
    expect(init.env).toEqual(expect.arrayContaining([{ name: "AWS_REQUEST_CHECKSUM_CALCULATION", value: "when_required" }, { name: "AWS_RESPONSE_CHECKSUM_VALIDATION", value: "when_required" }]));
    expect(pod.volumes).toContainEqual({ name: "weights-cache", hostPath: { path: "/mnt/weights", type: "DirectoryOrCreate" } });
    const args: string[] = pod.containers[0].args;
    expect(args[args.indexOf("--model") + 1]).toMatch(/^\/weights-cache\/tos--/);
  });

  it("without the key nothing changes: no cache volume, vLLM downloads as before", () => {
    const { pod } = deployment(minimalRaw());
    expect(pod.initContainers).toBeUndefined();
    expect(pod.volumes.map((v: any) => v.name)).not.toContain("weights-cache");
  });
});

describe("the weights-cache script, run in a shell against a folder standing in for the node's", () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const run = (fill: string) => {
    const script = weightsCacheScript("org--model--main", fill).replaceAll(WEIGHTS_CACHE_MOUNT, root);
    return spawnSync("sh", ["-c", script], { encoding: "utf8" });
  };

  it("misses and fills once, then hits without fetching; the collector reads both lines", () => {
    root = mkdtempSync(join(tmpdir(), "node-cache-"));
    const first = run("echo weights > model.safetensors");
    expect(first.status).toBe(0);
    expect(weightsCacheOutcome(first.stdout)).toBe("miss");
    expect(readFileSync(join(root, "org--model--main", "model.safetensors"), "utf8")).toBe("weights\n");
    const second = run("echo should-not-run >&2; exit 7");
    expect(second.status).toBe(0);
    expect(weightsCacheOutcome(second.stdout)).toBe("hit");
    expect(readdirSync(root)).toEqual(["org--model--main"]);
  });

  it("a Hugging Face miss runs `hf download` where the image has it, else `huggingface-cli download`, into the folder", () => {
    root = mkdtempSync(join(tmpdir(), "node-cache-"));
    const bin = join(root, "bin");
    mkdirSync(bin);
    const fake = (name: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" > args.txt\n`);
      chmodSync(join(bin, name), 0o755);
    };
    const fill = cacheFill(parseExperimentConfig({ ...minimalRaw(), model: { source: "hf://org/model", revision: "abc123" } }).model, "img", undefined, undefined).script;
    const runWith = (key: string) => {
      const script = weightsCacheScript(key, fill).replaceAll(WEIGHTS_CACHE_MOUNT, root);
      return spawnSync("sh", ["-c", script], { encoding: "utf8", env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` } });
    };
    fake("huggingface-cli");
    expect(runWith("old").status).toBe(0);
    expect(readFileSync(join(root, "old", "args.txt"), "utf8")).toBe("huggingface-cli download org/model --local-dir . --exclude original/* --revision abc123\n");
    fake("hf");
    expect(runWith("new").status).toBe(0);
    expect(readFileSync(join(root, "new", "args.txt"), "utf8")).toMatch(/^hf download org\/model /);
  });

  it("a failed fill leaves no folder, so the next pod misses again instead of loading half a model", () => {
    root = mkdtempSync(join(tmpdir(), "node-cache-"));
    const failed = run("echo part > a.safetensors; exit 3");
    expect(failed.status).not.toBe(0);
    // Nothing left behind: neither a folder that would count as whole nor a fill folder the next try would wait on.
    expect(readdirSync(root)).toEqual([]);
    expect(weightsCacheOutcome(run("echo ok > a.safetensors").stdout)).toBe("miss");
    expect(existsSync(join(root, "org--model--main", "a.safetensors"))).toBe(true);
  });

  // Fast timing for the shell under test; the deployed script polls every 10 s (CACHE_FILL_TIMING).
  const FAST = { pollSeconds: 0.05, heartbeatSeconds: 0.2, staleSeconds: 300 };
  const start = (fill: string, env: NodeJS.ProcessEnv = process.env) => {
    const script = weightsCacheScript("org--model--main", fill, FAST).replaceAll(WEIGHTS_CACHE_MOUNT, root);
    const child = spawn("sh", ["-c", script], { env });
    const out = { stdout: "", stderr: "", status: null as number | null };
    child.stdout.on("data", (d) => (out.stdout += d));
    child.stderr.on("data", (d) => (out.stderr += d));
    const done = new Promise<typeof out>((resolve) => child.on("close", (code) => resolve({ ...out, status: code })));
    return { out, done };
  };
  const until = async (what: () => boolean) => {
    while (!what()) await new Promise((r) => setTimeout(r, 20));
  };

  it("of four pods on a node that miss at once, one downloads and three wait for its folder; all four start", async () => {
    root = mkdtempSync(join(tmpdir(), "node-cache-"));
    const fills = join(root, "..", `${root.split("/").pop()}-fills`);
    const release = `${fills}.release`;
    // Each fill counts itself, then holds until the test has seen the others waiting.
    const fill = `echo fill >> '${fills}'; while [ ! -e '${release}' ]; do sleep 0.05; done; echo weights > model.safetensors`;
    const pods = [0, 1, 2, 3].map(() => start(fill));
    const fillCount = () => (existsSync(fills) ? readFileSync(fills, "utf8").split("\n").length - 1 : 0);
    // Until three pods wait, or a second fill has started (the defect this guards against).
    await until(() => fillCount() > 1 || (fillCount() === 1 && pods.filter((p) => p.out.stdout.includes("waiting for it")).length === 3));
    writeFileSync(release, "");
    const results = await Promise.all(pods.map((p) => p.done));
    const fillsRun = fillCount();
    rmSync(fills, { force: true });
    rmSync(release, { force: true });
    expect(fillsRun).toBe(1);
    expect(results.map((r) => r.stdout).join("").match(/another pod on this node filled org--model--main/g)).toHaveLength(3);
    for (const r of results) {
      expect(r.status).toBe(0);
      expect(weightsCacheOutcome(r.stdout)).toBe("miss");
    }
    expect(readFileSync(join(root, "org--model--main", "model.safetensors"), "utf8")).toBe("weights\n");
    expect(readdirSync(root)).toEqual(["org--model--main"]);
  });

  it("a fill whose pod died (its folder untouched past staleSeconds) is taken over from scratch", () => {
    root = mkdtempSync(join(tmpdir(), "node-cache-"));
    const lock = join(root, ".fill-org--model--main");
    mkdirSync(lock);
    writeFileSync(join(lock, "half.safetensors"), "half");
    // Older than staleSeconds (300), younger than the sweep of other models' dead fills (10 minutes).
    const sevenMinutesAgo = new Date(Date.now() - 420_000);
    utimesSync(lock, sevenMinutesAgo, sevenMinutesAgo);
    const r = spawnSync("sh", ["-c", weightsCacheScript("org--model--main", "echo whole > a.safetensors", FAST).replaceAll(WEIGHTS_CACHE_MOUNT, root)], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("the fill of org--model--main stopped; taking it over");
    expect(readdirSync(join(root, "org--model--main"))).toEqual(["a.safetensors"]);
    expect(readdirSync(root)).toEqual(["org--model--main"]);
  });

  it("a live fill keeps its folder fresh, so waiting pods never take it over however long the download", () => {
    root = mkdtempSync(join(tmpdir(), "node-cache-"));
    // The fill ages its own folder by an hour, then checks the heartbeat has touched it again.
    const fill = `touch -d '1 hour ago' .; sleep 0.6; [ $(( $(date +%s) - $(stat -c %Y .) )) -lt 60 ] || { echo stale >&2; exit 9; }; echo w > a.safetensors`;
    const r = spawnSync("sh", ["-c", weightsCacheScript("org--model--main", fill, FAST).replaceAll(WEIGHTS_CACHE_MOUNT, root)], { encoding: "utf8" });
    expect(r.stderr).not.toContain("stale");
    expect(r.status).toBe(0);
  });

  it("when the fill folder cannot be made (disk full, read-only), the container fails instead of starting vLLM on a missing folder", () => {
    root = mkdtempSync(join(tmpdir(), "node-cache-"));
    const bin = join(root, "..", `${root.split("/").pop()}-bin`);
    mkdirSync(bin);
    writeFileSync(join(bin, "mkdir"), "#!/bin/sh\necho 'mkdir: cannot create directory: No space left on device' >&2\nexit 1\n");
    chmodSync(join(bin, "mkdir"), 0o755);
    const ran = join(bin, "fill-ran");
    const script = weightsCacheScript("org--model--main", `touch '${ran}'`, FAST).replaceAll(WEIGHTS_CACHE_MOUNT, root);
    const r = spawnSync("sh", ["-c", script], { encoding: "utf8", env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` } });
    rmSync(bin, { recursive: true, force: true });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("No space left on device");
    expect(r.stdout).not.toContain("filled");
    expect(existsSync(ran)).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });
});

describe("weights cache rules and plan", () => {
  it("is refused where the model would not fit the GPU node's boot disk beside the images", () => {
    const raw = withCache(minimalRaw());
    raw.model = { source: "hf://Qwen/Qwen2.5-0.5B-Instruct", sizeGb: 180 };
    expect(configProblems(raw)).toContainEqual(expect.stringMatching(/^servelab:cluster\.weightsCache: nodeDisk keeps the model \(180 GB\) on the GPU node's 200 GB boot disk.*raise cluster\.gpu\.bootDiskGb to at least 240/));
  });

  it("warns on a router whose engines do not mount it", () => {
    const raw = withCache(rawStackValues("kubeai_least_load_8b_l4"));
    const config = parseExperimentConfig(raw);
    expect(configWarnings(config, resolveClusterFacts(config.cluster).facts!)).toContainEqual(expect.stringContaining("router.kind kubeai starts its engines from its own chart or Model"));
    expect(weightsCachePlan(config)).toMatchObject({ used: false });
  });

  it("the plan shows both outcomes: a hit reads the folder, a miss downloads first", () => {
    const raw = withCache(minimalRaw());
    raw.model.sizeGb = 16;
    const plan = weightsCachePlan(parseExperimentConfig(raw)) as any;
    expect(plan).toMatchObject({ kind: "nodeDisk", used: true, folder: "/weights-cache/Qwen--Qwen2.5-0.5B-Instruct--main", recordedAs: "run.json engine.weightsCache: hit | miss" });
    expect(plan.hit.readMinutes).toBeLessThan(plan.miss.downloadMinutes);
    expect(plan.miss.downloadMinutes).toBeCloseTo(16 / 0.1 / 60, 1);
  });

  it("refuses a relative or top-level path", () => {
    for (const path of ["weights", "/weights"]) {
      expect(configProblems(withCache(minimalRaw(), { kind: "nodeDisk", path }))).toContainEqual(expect.stringContaining("servelab:cluster.weightsCache.path"));
    }
  });
});

describe("the matrix collector records the cache's outcome in the engine record", () => {
  const MANIFEST = JSON.stringify({ experiment: "k8s_stack", harness: "multi-round-qa", points: [{ qps: 0.1 }], failures: [] });
  const LOG = markerLog([{ name: "manifest.json", content: MANIFEST }, { name: "k8s_stack_output_0.1.csv", content: "a,b\n" }]);
  const outputs = { kubeconfig: "kc", namespace: "bench", benchmarkJobName: "job", engineSelector: "app=vllm", engineContainer: "vllm" };
  const since = new Date(0);
  const sources = (initLog: () => string): CollectSources => ({
    podLog: async () => LOG,
    bucket: async () => [],
    engineLog: async (_kc, _ns, _sel, container) => ({ pod: "vllm-0", log: container === "weights-cache" ? initLog() : V0102_V0_FALLBACK }),
  });

  it("reads the weights-cache container's line when the stack names it, and says unknown when it cannot", async () => {
    const hit = await new LogOrBucketCollector(sources(() => "weights-cache: hit org--m--main\n")).collect("k8s_stack", { ...outputs, weightsCacheContainer: "weights-cache" }, { since });
    expect(hit.engine).toMatchObject({ pod: "vllm-0", weightsCache: "hit", facts: { vllmVersion: "0.10.2" } });
    const unreadable = await new LogOrBucketCollector(sources(() => { throw new Error("container not found"); })).collect("k8s_stack", { ...outputs, weightsCacheContainer: "weights-cache" }, { since });
    expect(unreadable.engine).toMatchObject({ weightsCache: "unknown", facts: { vllmVersion: "0.10.2" } });
    const none = await new LogOrBucketCollector(sources(() => "weights-cache: miss x\n")).collect("k8s_stack", outputs, { since });
    expect(none.engine).not.toHaveProperty("weightsCache");
  });
});

describe("a row on a cluster with the cache, planned offline", () => {
  it("plans the engines with the cache container and the hostPath, both outcomes, and the output the collector reads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "servelab-wcache-"));
    // The cache belongs to the cluster stack; the row stays as committed.
    const cluster = parse(readFileSync(stackFilePath("cluster-gke-l4x8"), "utf8"));
    cluster.config["servelab:cluster"].weightsCache = { kind: "nodeDisk" };
    writeFileSync(stackFilePath("cluster-gke-l4x8", dir), stringify(cluster));
    writeFileSync(stackFilePath("llmd_cached", dir), readFileSync(stackFilePath("llmd_8b_l4"), "utf8"));
    const p = await planStack("llmd_cached", dir);
    expect(p.plan.weightsCache).toMatchObject({ used: true, folder: "/weights-cache/neuralmagic--Meta-Llama-3.1-8B-Instruct-FP8--main" });
    expect(p.plan.outputs.weightsCacheContainer).toBe("weights-cache");
    const engine = parseAllDocuments(p.manifests).map((d) => d.toJS()).find((d) => d.kind === "Deployment" && d.spec.template.spec.containers[0].name === "vllm");
    expect(engine.spec.template.spec.initContainers[0].name).toBe("weights-cache");
    expect(engine.spec.template.spec.volumes).toContainEqual({ name: "weights-cache", hostPath: { path: "/var/lib/servelab/weights-cache", type: "DirectoryOrCreate" } });
    rmSync(dir, { recursive: true, force: true });
  });
});
