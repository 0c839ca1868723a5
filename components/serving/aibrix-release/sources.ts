/**
 * AIBrix release files servelab carries instead of applying them from their GitHub release URLs: the objects
 * are parsed here and their images rewritten through servelab:cluster.imageRegistry before Pulumi sees them
 * (mainland clusters pull nothing from Docker Hub). They are derived from source, as AIBrix's release workflow
 * builds them, by `npm run derive:aibrix-release` (tools/derive-aibrix-release.ts), which writes
 * PROVENANCE.md; a test compares the files with its sha256 column. Each file holds the objects of one release
 * file, in the release file's order, as a JSON array with one object per line (JSON, not YAML: parsing the
 * 7 MB of YAML costs seconds per plan, the JSON a tenth of a second).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const AIBRIX_RELEASE_DIR = __dirname;
export const AIBRIX_RELEASE_PROVENANCE_FILE = join(AIBRIX_RELEASE_DIR, "PROVENANCE.md");

/** One carried release file: where it was published, and how it is rebuilt from source. */
export interface CarriedReleaseFile {
  /** Path under components/serving/aibrix-release/. */
  file: string;
  /** The release asset it stands for. */
  published: string;
  /** The kustomization (in vllm-project/aibrix at the release's tag) AIBrix's release workflow builds it from. */
  kustomization: string;
}

/** config/dependency/envoy-gateway/kustomization.yaml's resource (v0.3.0 and v0.7.0), built as envoyproxy/gateway's release does. */
const ENVOY_GATEWAY_V128 = {
  repo: "envoyproxy/gateway",
  tag: "v1.2.8",
  commit: "5ccc8ad378db3bd2131a32f2d2e4db8d47b7295a",
  licence: "Apache-2.0",
  url: "https://github.com/envoyproxy/gateway/releases/download/v1.2.8/install.yaml",
  /** tools/make/kube.mk generate-manifests with IMAGE=envoyproxy/gateway TAG=v1.2.8 (.github/workflows/release.yaml). */
  values: { GatewayImage: "envoyproxy/gateway:v1.2.8", GatewayImagePullPolicy: "IfNotPresent" },
} as const;

/** Pins of the derivation: AIBrix's tag, and the Envoy Gateway release its config/dependency kustomization names. */
export const AIBRIX_RELEASE_DERIVATION = {
  "v0.3.0": {
    aibrix: { repo: "vllm-project/aibrix", tag: "v0.3.0", commit: "ecc3529f58997a99b6bf08a1ef5badff365bd8df", licence: "Apache-2.0" },
    envoyGateway: ENVOY_GATEWAY_V128,
    files: [
      {
        file: "v0.3.0/aibrix-dependency-v0.3.0.json",
        published: "https://github.com/vllm-project/aibrix/releases/download/v0.3.0/aibrix-dependency-v0.3.0.yaml",
        kustomization: "config/dependency",
      },
      {
        file: "v0.3.0/aibrix-core-v0.3.0.json",
        published: "https://github.com/vllm-project/aibrix/releases/download/v0.3.0/aibrix-core-v0.3.0.yaml",
        kustomization: "config/overlays/release",
      },
    ] as CarriedReleaseFile[],
    /** release-build.yaml installs the latest kustomize (v5.6.0 when v0.3.0 was tagged in May 2025). */
    kustomize: "latest (install_kustomize.sh)",
    licences: [
      { file: "v0.3.0/LICENSE-aibrix", repo: "vllm-project/aibrix", path: "LICENSE" },
      { file: "v0.3.0/LICENSE-envoy-gateway", repo: "envoyproxy/gateway", path: "LICENSE" },
    ],
  },
  "v0.7.0": {
    aibrix: { repo: "vllm-project/aibrix", tag: "v0.7.0", commit: "c5465890951ad43d22241ab7ed964b929c5d4aba", licence: "Apache-2.0" },
    envoyGateway: ENVOY_GATEWAY_V128,
    files: [
      {
        file: "v0.7.0/aibrix-dependency-v0.7.0.json",
        published: "https://github.com/vllm-project/aibrix/releases/download/v0.7.0/aibrix-dependency-v0.7.0.yaml",
        kustomization: "config/dependency",
      },
      {
        file: "v0.7.0/aibrix-core-crds-v0.7.0.json",
        published: "https://github.com/vllm-project/aibrix/releases/download/v0.7.0/aibrix-core-crds-v0.7.0.yaml",
        kustomization: "config/crd",
      },
      {
        file: "v0.7.0/aibrix-core-v0.7.0.json",
        published: "https://github.com/vllm-project/aibrix/releases/download/v0.7.0/aibrix-core-v0.7.0.yaml",
        kustomization: "config/overlays/release",
      },
    ] as CarriedReleaseFile[],
    /** release-build.yaml pins kustomize v5.4.3. */
    kustomize: "v5.4.3",
    licences: [
      { file: "v0.7.0/LICENSE-aibrix", repo: "vllm-project/aibrix", path: "LICENSE" },
      { file: "v0.7.0/LICENSE-envoy-gateway", repo: "envoyproxy/gateway", path: "LICENSE" },
    ],
  },
} as const;

const cache = new Map<string, Record<string, unknown>[]>();

/** The objects of one carried file, parsed once per process (callers must not mutate them). */
export function carriedReleaseObjects(file: string): readonly Record<string, unknown>[] {
  let objs = cache.get(file);
  if (!objs) {
    objs = JSON.parse(readFileSync(join(AIBRIX_RELEASE_DIR, file), "utf8")) as Record<string, unknown>[];
    cache.set(file, objs);
  }
  return objs;
}
