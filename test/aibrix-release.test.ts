/**
 * AIBrix's release files (v0.3.0, v0.7.0) as servelab carries them (components/serving/aibrix-release/): exactly what
 * tools/derive-aibrix-release.ts derived, holding the objects servelab relies on, and every image pulled
 * through servelab:cluster.imageRegistry when it is set.
 */
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AIBRIX } from "../components/catalog/versions";
import { objectWithRegistry } from "../components/catalog/imageRegistry";
import { imagesOf } from "../components/plan/planFiles";
import { AIBRIX_RELEASE_DERIVATION, AIBRIX_RELEASE_DIR, AIBRIX_RELEASE_PROVENANCE_FILE, carriedReleaseObjects } from "../components/serving/aibrix-release/sources";
import { AIBRIX_VERSIONS, aibrixReleaseFiles } from "../components/serving/aibrixSpec";
import { jsonStream } from "../components/serving/aibrixStack";
import { DEPENDS_ON_ANNOTATION, objectReference, withReleaseApplyOrder } from "../components/serving/aibrixApplyOrder";

const MIRROR = "cr.example.com/mirror";
const d = AIBRIX_RELEASE_DERIVATION["v0.3.0"];
const [dependency, core] = d.files.map((f) => carriedReleaseObjects(f.file)) as Array<readonly any[]>;
const named = (objs: readonly any[], kind: string, name: string, namespace?: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));

describe("the carried AIBrix release files", () => {
  it.each(AIBRIX_VERSIONS)("%s: are unchanged since they were derived: each file's sha256 is its PROVENANCE row's", (version) => {
    const v = AIBRIX_RELEASE_DERIVATION[version];
    const provenance = readFileSync(AIBRIX_RELEASE_PROVENANCE_FILE, "utf8");
    const carried = readdirSync(join(AIBRIX_RELEASE_DIR, version)).map((f) => `${version}/${f}`);
    expect(carried.sort()).toEqual([...v.files.map((f) => f.file), ...v.licences.map((l) => l.file)].sort());
    for (const file of carried) {
      const row = provenance.split("\n").find((l) => l.startsWith(`| ${file} |`));
      expect(row, `${file} has a PROVENANCE row`).toBeDefined();
      const sha = createHash("sha256").update(readFileSync(join(AIBRIX_RELEASE_DIR, file))).digest("hex");
      expect(row!.trim().endsWith(`| ${sha} |`), `${file} is unchanged since it was derived`).toBe(true);
    }
  });

  it("stand for the release assets of each pinned version, in apply order", () => {
    expect(AIBRIX_VERSIONS).toEqual(["v0.3.0", "v0.7.0"]);
    for (const version of AIBRIX_VERSIONS) {
      for (const f of AIBRIX_RELEASE_DERIVATION[version].files) {
        expect(f.published).toMatch(new RegExp(`^https://github\\.com/vllm-project/aibrix/releases/download/${version}/aibrix-[a-z-]+-${version}\\.yaml$`));
        expect(f.file).toBe(`${version}/${f.published.split("/").pop()!.replace(/\.yaml$/, ".json")}`);
      }
    }
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
    const rewritten = aibrixReleaseFiles("v0.3.0", MIRROR).map((f) => f.objs);
    const images = rewritten.flat().filter((o) => o.kind !== "CustomResourceDefinition").flatMap((o) => imagesOf(o));
    // Envoy Gateway, its certgen Job, the EnvoyProxy's envoy and shutdown-manager, AIBrix's controllers and runtime, KubeRay, Redis, busybox.
    expect(new Set(images)).toEqual(new Set([
      `${MIRROR}/envoyproxy/gateway:v1.2.8`, `${MIRROR}/envoyproxy/envoy:v1.33.2`, `${MIRROR}/aibrix/controller-manager:v0.3.0`,
      `${MIRROR}/aibrix/gateway-plugins:v0.3.0`, `${MIRROR}/aibrix/metadata-service:v0.3.0`, `${MIRROR}/aibrix/runtime:v0.3.0`,
      `${MIRROR}/aibrix/kuberay-operator:v1.2.1-patch`, `${MIRROR}/redis:latest`, `${MIRROR}/busybox:stable`,
    ]));
    // Compared as text: deep equality of megabytes of CRDs is slow. The apply-order annotations are tested below.
    const withoutOrder = (v: Record<string, string>) => {
      const { [DEPENDS_ON_ANNOTATION]: _order, ...rest } = v;
      return Object.keys(rest).length ? rest : undefined;
    };
    const withoutImages = (objs: readonly object[]) =>
      JSON.stringify(objs, (k, v) => (k === "image" && typeof v === "string" ? "<image>" : k === "annotations" ? withoutOrder(v) : v));
    expect(rewritten.map(withoutImages).join("\n") === published.map(withoutImages).join("\n")).toBe(true);
    const annotated = (o: any) => o.metadata?.annotations?.[DEPENDS_ON_ANNOTATION] !== undefined;
    expect(aibrixReleaseFiles("v0.3.0").every((f, i) => f.objs.every((o, j) => annotated(o) || o === published[i][j]))).toBe(true);
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

describe("AIBrix v0.7.0's carried release files", () => {
  it("pull every image through cluster.imageRegistry too, the core CRDs in their own file", () => {
    const [dep, crds, core7] = aibrixReleaseFiles("v0.7.0", MIRROR).map((f) => f.objs);
    expect(dep.length).toBeGreaterThan(0);
    expect(new Set(crds.map((o) => o.kind))).toEqual(new Set(["CustomResourceDefinition"]));
    const images = [...dep, ...core7].flatMap((o) => imagesOf(o));
    expect(images.length).toBeGreaterThan(0);
    expect(images.filter((i) => !i.startsWith(`${MIRROR}/`))).toEqual([]);
    expect(images).toContain(`${MIRROR}/aibrix/gateway-plugins:v0.7.0`);
    expect(named(core7, "Deployment", AIBRIX.gatewayPlugins.deployment, AIBRIX.gatewayPlugins.namespace)).toBeDefined();
    expect(named(core7, "EnvoyProxy", AIBRIX.envoyProxy.name, AIBRIX.envoyProxy.namespace)).toBeDefined();
  });
});

describe("the order inside a release file that the ConfigGroup keeps only through depends-on annotations", () => {
  const dependsOn = (objs: readonly any[]) =>
    objs.filter((o) => o.metadata?.annotations?.[DEPENDS_ON_ANNOTATION]).map((o) => [objectReference(o), o.metadata.annotations[DEPENDS_ON_ANNOTATION]]);

  it.each(AIBRIX_VERSIONS)("%s: Envoy Gateway's controller waits for its certgen Job (a Helm pre-install hook), the Gateway for the release's EnvoyProxy", (version) => {
    const files = aibrixReleaseFiles(version, MIRROR);
    const dep = files[0].objs;
    const core = files[files.length - 1].objs;
    expect(dependsOn(dep)).toEqual([
      ["apps/namespaces/envoy-gateway-system/Deployment/envoy-gateway", "batch/namespaces/envoy-gateway-system/Job/eg-gateway-helm-certgen"],
    ]);
    expect(dependsOn(core)).toEqual([
      ["gateway.networking.k8s.io/namespaces/aibrix-system/Gateway/aibrix-eg", `gateway.envoyproxy.io/namespaces/${AIBRIX.envoyProxy.namespace}/EnvoyProxy/${AIBRIX.envoyProxy.name}`],
    ]);
    // The Secret the controller mounts is the Job's to make; the Job deletes itself 30 s after it finishes, so it
    // carries no annotation of servelab's (an in-place update of a deleted Job fails).
    const controller = named(dep, "Deployment", "envoy-gateway", "envoy-gateway-system");
    expect(controller.spec.template.spec.volumes).toContainEqual(expect.objectContaining({ secret: { secretName: "envoy-gateway" } }));
    const job = named(dep, "Job", "eg-gateway-helm-certgen", "envoy-gateway-system");
    expect(job.spec.ttlSecondsAfterFinished).toBe(30);
    expect(job.metadata.annotations).toEqual({ "helm.sh/hook": "pre-install, pre-upgrade" });
  });

  it.each(AIBRIX_VERSIONS)("%s: every reference names an object of the same file (the ConfigGroup cannot wait for another's)", (version) => {
    for (const f of aibrixReleaseFiles(version)) {
      const refs = new Set(f.objs.map(objectReference));
      for (const [, value] of dependsOn(f.objs)) for (const ref of value.split(",")) expect(refs.has(ref), `${f.name}: ${ref}`).toBe(true);
    }
  });

  it("annotates copies and leaves objects without such an order as they are", () => {
    const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j", namespace: "n", annotations: { "helm.sh/hook": "pre-install" } } };
    const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "n" } };
    const other = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "e", namespace: "elsewhere" } };
    const [j, d2, o] = withReleaseApplyOrder([job, deployment, other]);
    expect(j).toBe(job);
    expect(o).toBe(other);
    expect(d2.metadata.annotations).toEqual({ [DEPENDS_ON_ANNOTATION]: "batch/namespaces/n/Job/j" });
    expect(deployment.metadata).toEqual({ name: "d", namespace: "n" });
    expect(objectReference({ apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } })).toBe("/Namespace/x");
  });
});
