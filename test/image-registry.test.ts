import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { harnessRun } from "../components/benchmark/harnesses";
import { benchmarkJob } from "../components/benchmark/jobManifest";
import { IMAGE_REGISTRY_PATTERN, imagePath, registryHost, withRegistry } from "../components/catalog/imageRegistry";
import { IMAGES } from "../components/catalog/versions";
import { resolveClusterFacts } from "../components/cluster/facts";
import { parseExperimentConfig } from "../components/validate";
import { engineManifestInput } from "../components/engine/input";
import { planStack } from "../components/plan/planStack";
import { kubeAiChartValues, kubeAiModelManifest, kubeAiProfile } from "../components/serving/kubeAiSpec";
import { renderProductionStackValues } from "../components/serving/productionStackValues";
import { rawStackValues } from "./helpers/configs";
import { testDataJson } from "./data/sources";

const MIRROR = "cr.example.com/mirror";

describe("withRegistry", () => {
  it.each([
    ["vllm/vllm-openai:v0.8.5", "cr.example.com/mirror/vllm/vllm-openai:v0.8.5"],
    ["python:3.12-slim", "cr.example.com/mirror/python:3.12-slim"],
    ["library/python:3.12-slim", "cr.example.com/mirror/python:3.12-slim"],
    ["docker.io/library/python:3.12-slim", "cr.example.com/mirror/python:3.12-slim"],
    ["docker.io/vllm/vllm-openai:v0.8.5", "cr.example.com/mirror/vllm/vllm-openai:v0.8.5"],
    ["ghcr.io/kubeai-project/kubeai:v0.22.1", "cr.example.com/mirror/kubeai-project/kubeai:v0.22.1"],
    ["ghcr.io/kubeai-project/kubeai", "cr.example.com/mirror/kubeai-project/kubeai"],
    ["public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo:v0.10.2", "cr.example.com/mirror/q9t5s3a7/vllm-cpu-release-repo:v0.10.2"],
    ["localhost:5000/team/engine:dev", "cr.example.com/mirror/team/engine:dev"],
    ["registry.local:5000/engine@sha256:abc123", "cr.example.com/mirror/engine@sha256:abc123"],
    ["busybox", "cr.example.com/mirror/busybox"],
  ])("%s -> %s", (image, expected) => {
    expect(withRegistry(image, MIRROR)).toBe(expected);
  });

  it("leaves images alone without a prefix, and does not prefix twice", () => {
    expect(withRegistry("vllm/vllm-openai:v0.8.5", undefined)).toBe("vllm/vllm-openai:v0.8.5");
    expect(withRegistry("vllm/vllm-openai:v0.8.5", "")).toBe("vllm/vllm-openai:v0.8.5");
    const once = withRegistry("vllm/vllm-openai:v0.8.5", MIRROR);
    expect(withRegistry(once, MIRROR)).toBe(once);
  });

  it("accepts a prefix with a trailing slash or a bare host", () => {
    expect(withRegistry("python:3.12-slim", "cr.example.com/mirror/")).toBe("cr.example.com/mirror/python:3.12-slim");
    expect(withRegistry("python:3.12-slim", "mirror-cn-beijing.cr.volces.com")).toBe("mirror-cn-beijing.cr.volces.com/python:3.12-slim");
  });

  it("tells a registry host from a Docker Hub namespace", () => {
    expect(registryHost("vllm/vllm-openai:v0.8.5")).toBeUndefined();
    expect(registryHost("python:3.12")).toBeUndefined();
    expect(registryHost("ghcr.io/a/b")).toBe("ghcr.io");
    expect(registryHost("localhost/a")).toBe("localhost");
    expect(imagePath("quay.io/library/x:1")).toBe("library/x:1");
  });
});

describe("IMAGE_REGISTRY_PATTERN", () => {
  it.each(["cr.example.com/mirror", "aibrix-cn-beijing.cr.volces.com/aibrix", "registry.local:5000", "localhost:5000/a/b", "cr.example.com/mirror/"])("accepts %s", (prefix) => {
    expect(IMAGE_REGISTRY_PATTERN.test(prefix)).toBe(true);
  });
  it.each(["https://cr.example.com/mirror", "cr.example.com/Mirror", "mirror", "cr.example.com//x", "cr.example.com/mirror:v1"])("refuses %s", (prefix) => {
    expect(IMAGE_REGISTRY_PATTERN.test(prefix)).toBe(false);
  });
});

describe("every image servelab sets goes through servelab:cluster.imageRegistry", () => {
  const mirrored = (stack: string, edit: (raw: Record<string, any>) => void = () => {}) => {
    const raw = rawStackValues(stack);
    raw.cluster.imageRegistry = MIRROR;
    edit(raw);
    const config = parseExperimentConfig(raw);
    return { config, facts: resolveClusterFacts(config.cluster).facts! };
  };
  const placement = { nodeSelector: {}, tolerations: [] };

  it("the engine Deployment (k8s-service)", () => {
    const { config, facts } = mirrored("k8s_stack");
    const input = engineManifestInput({ config, facts, namespace: "ns", labels: {}, gpuPlacement: placement }, { name: "vllm", service: { name: "svc", port: 80 } });
    expect(input.image).toBe("cr.example.com/mirror/vllm/vllm-openai:v0.8.5");
  });

  it("production-stack's engine and router", () => {
    const { config, facts } = mirrored("k8s_stack", (raw) => (raw.router = { kind: "production-stack", routing: "session", sessionKey: "x-user-id" }));
    const values = renderProductionStackValues({ config, facts, release: "ps", gpuPlacement: placement }) as any;
    expect(values.servingEngineSpec.modelSpec[0]).toMatchObject({ repository: "cr.example.com/mirror/vllm/vllm-openai", tag: "v0.8.5" });
    expect(values.routerSpec).toMatchObject({ repository: `cr.example.com/mirror/${IMAGES.lmstackRouter.split(":")[0]}`, tag: IMAGES.lmstackRouter.split(":")[1] });
  });

  it("KubeAI's Model and the chart's controller, vLLM and model-loader images (keys the chart has)", () => {
    const { config, facts } = mirrored("kubeai_least_load_8b_l4");
    const model = kubeAiModelManifest({ config, namespace: "ns", labels: {}, readyTimeoutSeconds: 60 });
    expect(model.spec.image).toBe(withRegistry(config.engine.image, MIRROR));
    expect(model.spec.image.startsWith("cr.example.com/mirror/")).toBe(true);
    const values = kubeAiChartValues({ profile: kubeAiProfile(config, facts, placement), systemPlacement: placement, imageRegistry: MIRROR }) as any;
    expect(values.image).toEqual({ repository: "cr.example.com/mirror/kubeai-project/kubeai" });
    expect(values.modelServers.VLLM.images).toEqual({ default: "cr.example.com/mirror/vllm/vllm-openai:v0.10.2", "nvidia-gpu": "cr.example.com/mirror/vllm/vllm-openai:v0.10.2" });
    expect(values.modelLoading).toEqual({ image: "cr.example.com/mirror/kubeai-project/kubeai-model-loader:v0.14.0" });
    const upstream = testDataJson("upstream/kubeai-0.22.1/values.json");
    expect(withRegistry(`${upstream.image.repository}`, MIRROR)).toBe(values.image.repository);
    expect(withRegistry(upstream.modelServers.VLLM.images.default, MIRROR)).toBe(values.modelServers.VLLM.images.default);
    expect(withRegistry(upstream.modelServers.VLLM.images["nvidia-gpu"], MIRROR)).toBe(values.modelServers.VLLM.images["nvidia-gpu"]);
    expect(withRegistry(upstream.modelLoading.image, MIRROR)).toBe(values.modelLoading.image);
    const plain = kubeAiChartValues({ profile: kubeAiProfile(config, facts, placement), systemPlacement: placement }) as any;
    expect(plain.image).toBeUndefined();
    expect(plain.modelServers).toBeUndefined();
  });

  it("the benchmark Job's harness image", () => {
    const { config } = mirrored("k8s_stack");
    const run = harnessRun(config.benchmark!, { experiment: "k8s_stack", tokenizer: "t" });
    const job = benchmarkJob({
      namespace: "ns", labels: {}, experiment: "k8s_stack", run, placement, cpu: 4, memory: "8Gi", baseUrl: "http://x/v1", servedModel: "m", scriptsSha256: "abc",
      imageRegistry: config.cluster.imageRegistry,
    }) as any;
    expect(job.spec.template.spec.containers[0].image).toBe(`cr.example.com/mirror/${IMAGES.python}`);
  });

  it("the k8s_stack_vke row pulls every container image of its plan through its registry", async () => {
    const { manifests } = await planStack("k8s_stack_vke");
    const images = parseAllDocuments(manifests)
      .map((d) => d.toJS())
      .flatMap((d) => [...(d.spec?.template?.spec?.containers ?? []), ...(d.spec?.template?.spec?.initContainers ?? [])])
      .map((c: any) => c.image);
    expect(images.length).toBeGreaterThanOrEqual(2);
    for (const image of images) expect(image).toMatch(/^servelab-cn-beijing\.cr\.volces\.com\/mirror\//);
  });
});
