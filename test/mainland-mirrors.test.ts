/**
 * Issue 15: with the mirror keys set, a VKE row's plan downloads nothing from inside the cluster from Hugging
 * Face, GitHub, PyPI or Docker Hub. Scans every VKE row's plan: each Kubernetes object (images, URLs, engine
 * weights, the benchmark Job's pip index), each chart's values, the objects applied as ConfigGroups (AIBrix's
 * carried release files), the manifests applied from URLs (none), and the scripts the benchmark Job runs (its ConfigMap).
 */
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { registryHost } from "../components/catalog/imageRegistry";
import { configGroupObjects } from "../components/plan/planFiles";
import { StackPlan, planStack } from "../components/plan/planStack";
import { listStacks } from "../components/plan/stackFile";
import { rawStackValues } from "./helpers/configs";

const FORBIDDEN_HOSTS = /\b(huggingface\.co|hf\.co|raw\.githubusercontent\.com|github\.com|objects\.githubusercontent\.com|pypi\.org|pypi\.python\.org|files\.pythonhosted\.org|docker\.io|registry-1\.docker\.io|index\.docker\.io)\b/;
const DOCKER_HUB = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/** Experiment rows whose cluster (inline or their cluster stack's) is VKE. */
const vkeStacks = listStacks().filter((s) => {
  const raw = rawStackValues(s);
  return raw.model !== undefined && raw.cluster?.provider === "vke";
});

function walk(value: unknown, visit: (key: string, v: unknown) => void, key = ""): void {
  if (Array.isArray(value)) value.forEach((v) => walk(v, visit, key));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, visit, k);
  else visit(key, value);
}

function containers(doc: any): any[] {
  const spec = doc.spec?.template?.spec ?? doc.spec?.jobTemplate?.spec?.template?.spec;
  return spec ? [...(spec.initContainers ?? []), ...(spec.containers ?? [])] : [];
}

describe("VKE rows download nothing in the cluster from Hugging Face, GitHub, PyPI or Docker Hub", () => {
  it("has VKE rows to scan", () => {
    expect(vkeStacks.sort()).toEqual(["aibrix_kvcache_external", "k8s_stack_vke"]);
  });

  describe.each(vkeStacks)("%s", (stack) => {
    let plan: StackPlan;
    const docs = async () => {
      plan ??= await planStack(stack);
      return parseAllDocuments(plan.manifests).map((d) => d.toJS());
    };
    /** The objects the plan applies: its manifests and every ConfigGroup's objects (AIBrix's release files). */
    const applied = async () => [
      ...(await docs()),
      ...plan.resources.filter((r) => r.type === "kubernetes:yaml/v2:ConfigGroup").flatMap((r) => configGroupObjects(r.inputs)),
    ];

    it("pulls every image through a registry host that is not Docker Hub", async () => {
      const images: string[] = [];
      for (const doc of await applied()) {
        if (doc.kind !== "CustomResourceDefinition") walk(doc, (k, v) => k === "image" && typeof v === "string" && images.push(v));
      }
      expect(images.length).toBeGreaterThan(0);
      const bad = images.filter((i) => !registryHost(i) || DOCKER_HUB.has(registryHost(i)!));
      expect(bad).toEqual([]);
    });

    it("names no Hugging Face, GitHub, PyPI or Docker Hub URL in any object, chart or shipped script", async () => {
      const hits: string[] = [];
      for (const doc of await applied()) {
        walk(doc, (k, v) => {
          // A CRD's schema prose, and the API-review link the API server requires on *.k8s.io groups: links, not downloads.
          if (doc.kind === "CustomResourceDefinition" && (k === "description" || k === "api-approved.kubernetes.io")) return;
          if (typeof v === "string" && FORBIDDEN_HOSTS.test(v)) hits.push(`${doc.kind}/${doc.metadata?.name} ${k}: ${FORBIDDEN_HOSTS.exec(v)![0]}`);
        });
      }
      for (const chart of plan.charts) if (FORBIDDEN_HOSTS.test(chart.content)) hits.push(`chart ${chart.release}: ${FORBIDDEN_HOSTS.exec(chart.content)![0]}`);
      expect(hits).toEqual([]);
      const scripts = (await docs()).find((d) => d.kind === "ConfigMap" && d.metadata.name === "benchmark-scripts");
      expect(Object.keys(scripts.data)).toContain("multi-round-qa.py");
    });

    it("loads the weights without Hugging Face: vLLM's --model is the copied folder, or HF_ENDPOINT names a mirror", async () => {
      const engines = (await docs()).filter((d) => d.kind === "Deployment").flatMap(containers).filter((c) => (c.args ?? []).includes("--model"));
      expect(engines.length).toBeGreaterThan(0);
      for (const c of engines) {
        const model = c.args[c.args.indexOf("--model") + 1];
        const mirror = (c.env ?? []).find((e: any) => e.name === "HF_ENDPOINT");
        expect(model.startsWith("/") || (mirror && !FORBIDDEN_HOSTS.test(mirror.value)), `${c.name}: --model ${model}`).toBeTruthy();
      }
    });

    it("installs the Job's packages from a configured index", async () => {
      const job = (await docs()).find((d) => d.kind === "Job")!;
      const env = containers(job)[0].env;
      const index = env.find((e: any) => e.name === "PIP_INDEX_URL");
      expect(index?.value).toMatch(/^https:\/\//);
      expect(FORBIDDEN_HOSTS.test(index.value)).toBe(false);
    });

    it("applies no manifest from a URL", async () => {
      await docs();
      expect(plan.remote).toEqual([]);
    });
  });
});
