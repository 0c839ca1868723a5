/**
 * AIBrix v0.3.0's release files as servelab carries them (components/serving/aibrix-release/): exactly what
 * tools/derive-aibrix-release.ts derived, holding the objects servelab relies on, and every image pulled
 * through servelab:cluster.imageRegistry when it is set.
 */
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AIBRIX, AIBRIX_RELEASES } from "../components/catalog/versions";
import { objectWithRegistry } from "../components/catalog/imageRegistry";
import { imagesOf } from "../components/plan/planFiles";
import { AIBRIX_RELEASE_DERIVATION, AIBRIX_RELEASE_DIR, AIBRIX_RELEASE_PROVENANCE_FILE, carriedReleaseObjects } from "../components/serving/aibrix-release/sources";
import { aibrixReleaseFiles } from "../components/serving/aibrixSpec";
import { jsonStream } from "../components/serving/aibrixStack";
import { configProblems, rawStackValues } from "./helpers/configs";

const MIRROR = "cr.example.com/mirror";
const d = AIBRIX_RELEASE_DERIVATION["v0.3.0"];
const [dependency, core] = d.files.map((f) => carriedReleaseObjects(f.file)) as Array<readonly any[]>;
const named = (objs: readonly any[], kind: string, name: string, namespace?: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));

describe("the carried AIBrix v0.3.0 release files", () => {
  it("are unchanged since they were derived: each file's sha256 is its PROVENANCE row's", () => {
    const provenance = readFileSync(AIBRIX_RELEASE_PROVENANCE_FILE, "utf8");
    const carried = readdirSync(join(AIBRIX_RELEASE_DIR, "v0.3.0")).map((f) => `v0.3.0/${f}`);
    expect(carried.sort()).toEqual([...d.files.map((f) => f.file), ...d.licences.map((l) => l.file)].sort());
    for (const file of carried) {
      const row = provenance.split("\n").find((l) => l.startsWith(`| ${file} |`));
      expect(row, `${file} has a PROVENANCE row`).toBeDefined();
      const sha = createHash("sha256").update(readFileSync(join(AIBRIX_RELEASE_DIR, file))).digest("hex");
      expect(row!.trim().endsWith(`| ${sha} |`), `${file} is unchanged since it was derived`).toBe(true);
    }
  });

  it("stand for the published files servelab pins, in apply order", () => {
    expect(d.files.map((f) => f.published)).toEqual(AIBRIX_RELEASES["v0.3.0"].files);
  });

  it("hold Envoy Gateway v1.2.8 with AIBrix's config patch and KubeRay's CRDs (dependency), and the objects servelab addresses (core)", () => {
    expect(named(dependency, "Deployment", "envoy-gateway", "envoy-gateway-system").spec.template.spec.containers[0].image).toBe("envoyproxy/gateway:v1.2.8");
    expect(named(dependency, "ConfigMap", "envoy-gateway-config").data["envoy-gateway.yaml"]).toContain("enableEnvoyPatchPolicy: true");
    for (const crd of ["envoyproxies.gateway.envoyproxy.io", "httproutes.gateway.networking.k8s.io", "rayclusters.ray.io", "rayjobs.ray.io", "rayservices.ray.io"]) {
      expect(named(dependency, "CustomResourceDefinition", crd), crd).toBeDefined();
    }
    const plugins = named(core, "Deployment", AIBRIX.gatewayPlugins.deployment, AIBRIX.gatewayPlugins.namespace);
    expect(plugins.spec.template.spec.containers.map((c: any) => c.name)).toContain(AIBRIX.gatewayPlugins.container);
    const proxy = named(core, "EnvoyProxy", AIBRIX.envoyProxy.name, AIBRIX.envoyProxy.namespace);
    expect(proxy.spec.provider.kubernetes.envoyService).toBeUndefined(); // servelab's ClusterIP does not conflict
    expect(named(core, "Gateway", "aibrix-eg", "aibrix-system")).toBeDefined();
    expect(named(core, "CustomResourceDefinition", "kvcaches.orchestration.aibrix.ai")).toBeDefined();
  });

  it("pull every image through cluster.imageRegistry when it is set, and change nothing else", () => {
    const published = d.files.map((f) => carriedReleaseObjects(f.file));
    const rewritten = aibrixReleaseFiles("v0.3.0", MIRROR).map((f) => (f.kind === "objects" ? f.objs : []));
    const images = rewritten.flat().filter((o) => o.kind !== "CustomResourceDefinition").flatMap((o) => imagesOf(o));
    // Envoy Gateway, its certgen Job, the EnvoyProxy's envoy and shutdown-manager, AIBrix's controllers and runtime, KubeRay, Redis, busybox.
    expect(new Set(images)).toEqual(new Set([
      `${MIRROR}/envoyproxy/gateway:v1.2.8`, `${MIRROR}/envoyproxy/envoy:v1.33.2`, `${MIRROR}/aibrix/controller-manager:v0.3.0`,
      `${MIRROR}/aibrix/gateway-plugins:v0.3.0`, `${MIRROR}/aibrix/metadata-service:v0.3.0`, `${MIRROR}/aibrix/runtime:v0.3.0`,
      `${MIRROR}/aibrix/kuberay-operator:v1.2.1-patch`, `${MIRROR}/redis:latest`, `${MIRROR}/busybox:stable`,
    ]));
    const withoutImages = (objs: readonly object[]) => JSON.parse(JSON.stringify(objs, (k, v) => (k === "image" && typeof v === "string" ? "<image>" : v)));
    expect(rewritten.map(withoutImages)).toEqual(published.map(withoutImages));
    expect(aibrixReleaseFiles("v0.3.0").map((f) => (f.kind === "objects" ? f.objs : []))).toEqual(published);
  });

  it("leave a CRD's schema alone: its `image` keys are property names", () => {
    const crd = { kind: "CustomResourceDefinition", spec: { image: "not-an-image" } };
    expect(objectWithRegistry(crd, MIRROR)).toBe(crd);
    const pod = { kind: "Pod", spec: { containers: [{ name: "a", image: "redis:7" }] } };
    expect(objectWithRegistry(pod, MIRROR)).toEqual({ kind: "Pod", spec: { containers: [{ name: "a", image: `${MIRROR}/redis:7` }] } });
    expect(pod.spec.containers[0].image).toBe("redis:7");
  });

  it("reach the provider as a JSON stream of the same objects, one per line", () => {
    const text = jsonStream(core);
    expect(text.split("\n").map((l) => JSON.parse(l))).toEqual(core);
  });
});

describe("AIBrix v0.7.0 with an image registry", () => {
  it("is refused: its release files are applied from their URLs, so their images cannot be rewritten", () => {
    const raw = rawStackValues("aibrix_naive");
    raw.router = { ...raw.router, version: "v0.7.0" };
    raw.cluster = { ...raw.cluster, imageRegistry: MIRROR };
    expect(configProblems(raw)).toEqual([
      "servelab:cluster.imageRegistry: cannot reach the images of AIBrix v0.7.0's release files (Envoy Gateway, AIBrix's controllers and gateway plugins, Redis), which servelab applies from their GitHub URLs as published; servelab carries and rewrites only v0.3.0: set router.version to one of those, or remove cluster.imageRegistry",
    ]);
    raw.router.version = "v0.3.0";
    expect(configProblems(raw)).toEqual([]);
  });
});
