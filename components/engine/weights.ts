/**
 * Where the engines get the model's weights (servelab:model.weights), pure:
 *   - Hugging Face (default), or a Hugging Face mirror endpoint: HF_ENDPOINT, which huggingface_hub reads
 *     (vLLM downloads through it);
 *   - an object-storage prefix (tos://, s3://, gs://) holding the repository's files: an init container copies
 *     it into the pod's model cache on the node before vLLM starts, and vLLM loads that folder.
 * The startup budget follows the source (sizing.ts).
 */
import type * as k8s from "@pulumi/kubernetes";
import { withRegistry } from "../catalog/imageRegistry";
import { ModelConfig } from "../config/schema";
import type { ConfigRule } from "../cluster/facts";

/**
 * Copy images. Unverified from this machine (no registry access): that these tags exist. Both are the
 * vendors' own CLIs: `aws s3 sync` (also TOS through its S3-compatible endpoint) and `gcloud storage rsync`.
 * model.weights.image overrides them.
 */
export const WEIGHTS_COPY_IMAGES = {
  s3: "amazon/aws-cli:2.27.0",
  gs: "gcr.io/google.com/cloudsdktool/google-cloud-cli:522.0.0-slim",
} as const;

/** Where the copy lands: inside the engine's model-cache volume (mounted at /models). */
export const LOCAL_WEIGHTS_DIR = "/models/weights";

/** Copy rate from object storage in the cluster's region (GB/s), for the startup budget; an assumption, not measured. */
export const OBJECT_STORE_GB_PER_SECOND = 0.3;
/** Download rate from Hugging Face or a mirror of it (GB/s), for the startup budget (sizing.ts's long-standing value). */
export const HF_GB_PER_SECOND = 0.1;

export type WeightsSource = "huggingface" | "hf-mirror" | "object-storage";

export function weightsSource(model: Pick<ModelConfig, "weights">): WeightsSource {
  if (model.weights?.from) return "object-storage";
  return model.weights?.hfEndpoint ? "hf-mirror" : "huggingface";
}

export function downloadGbPerSecond(model: Pick<ModelConfig, "weights">): number {
  return weightsSource(model) === "object-storage" ? OBJECT_STORE_GB_PER_SECOND : HF_GB_PER_SECOND;
}

/** tos://bucket/prefix -> { scheme, bucket, prefix }. */
export function parseStorageUrl(url: string): { scheme: "tos" | "s3" | "gs"; bucket: string; prefix: string } {
  const m = /^(tos|s3|gs):\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m) throw new Error(`servelab: ${url} is not an object-storage URL (checkRules should have refused it)`);
  return { scheme: m[1] as "tos" | "s3" | "gs", bucket: m[2], prefix: m[3].replace(/\/+$/, "") };
}

/**
 * TOS's S3-compatible endpoint inside the region's VPC (tos-s3-<region>.ivolces.com, as AIBrix's model
 * downloader uses from VKE: vllm-project/aibrix@v0.3.0 samples/volcano-engine, TOS_ENDPOINT); TOS takes
 * virtual-hosted requests only.
 */
export function tosS3Endpoint(region: string): string {
  return `https://tos-s3-${region}.ivolces.com`;
}

/**
 * AWS CLI v2 since 2.23.0 (so the pinned 2.27.0) asks for and checks CRC checksums on every S3 call by default
 * ("when_supported"; aws/aws-cli#9214, the CLI's 2.23.0 changelog), which S3-compatible stores other than AWS have
 * failed on (Cloudflare R2, Backblaze B2, Alibaba OSS, MinIO, Ceph: e.g. boto/s3transfer#327, kubeflow/pipelines#13314);
 * a ranged GET of a large object (how `aws s3 sync` fetches weights) that a store answers with the whole object's
 * checksum fails the check. Whether TOS's S3 endpoint passes them is
 * unverified, so a copy through any endpoint other than AWS's own (TOS's always) goes back to the pre-2.23 behaviour,
 * as the results upload does for TOS (results/access.ts).
 */
export const S3_COMPATIBLE_CHECKSUM_ENV: readonly EnvVar[] = [
  { name: "AWS_REQUEST_CHECKSUM_CALCULATION", value: "when_required" },
  { name: "AWS_RESPONSE_CHECKSUM_VALIDATION", value: "when_required" },
];

type Container = k8s.types.input.core.v1.Container;
type EnvVar = k8s.types.input.core.v1.EnvVar;

/** A copy of the object-storage prefix into `dest`: its image, argv, and shell setup to run first. */
export interface ObjectStorageCopy {
  image: string;
  /** Shell commands (ending in "&& ") that must run before argv; empty for none. */
  setup: string;
  argv: string[];
  env: EnvVar[];
  envFrom?: k8s.types.input.core.v1.EnvFromSource[];
}

export function objectStorageCopy(model: ModelConfig, imageRegistry: string | undefined, region: string | undefined, dest: string): ObjectStorageCopy {
  const w = model.weights!;
  const { scheme, bucket, prefix } = parseStorageUrl(w.from!);
  const source = `${bucket}/${prefix}`.replace(/\/+$/, "");
  const envFrom = w.credentialsSecret ? [{ secretRef: { name: w.credentialsSecret } }] : undefined;
  if (scheme === "gs") {
    return { image: withRegistry(w.image ?? WEIGHTS_COPY_IMAGES.gs, imageRegistry), setup: "", argv: ["gcloud", "storage", "rsync", "--recursive", `gs://${source}`, dest], env: [], ...(envFrom ? { envFrom } : {}) };
  }
  const endpoint = w.endpoint ?? (scheme === "tos" ? tosS3Endpoint(w.region ?? region!) : undefined);
  const env: EnvVar[] = [];
  if (w.region ?? (scheme === "tos" ? region : undefined)) env.push({ name: "AWS_DEFAULT_REGION", value: (w.region ?? region)! });
  if (endpoint) env.push(...S3_COMPATIBLE_CHECKSUM_ENV);
  // TOS serves virtual-hosted-style requests only; the AWS CLI reads the style from its config file.
  const setup = scheme === "tos" ? "aws configure set default.s3.addressing_style virtual && " : "";
  const argv = ["aws", "s3", "sync", "--only-show-errors", `s3://${source}`, dest, ...(endpoint ? ["--endpoint-url", endpoint] : [])];
  return { image: withRegistry(w.image ?? WEIGHTS_COPY_IMAGES.s3, imageRegistry), setup, argv, env, ...(envFrom ? { envFrom } : {}) };
}

/** Arguments single-quoted for sh (servelab's arguments carry no single quote). */
export function shellWords(argv: readonly string[]): string {
  return argv.map((a) => `'${a}'`).join(" ");
}

export const COPY_RESOURCES = { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "2", memory: "4Gi" } };

/** The init container that copies the weights into the model cache, or undefined when vLLM downloads them itself. */
export function weightsCopyContainer(model: ModelConfig, imageRegistry: string | undefined, region?: string): Container | undefined {
  if (!model.weights?.from) return undefined;
  const copy = objectStorageCopy(model, imageRegistry, region, LOCAL_WEIGHTS_DIR);
  const mounts = [{ name: "model-cache", mountPath: "/models" }];
  const base = { name: "copy-weights", image: copy.image };
  const rest = { resources: COPY_RESOURCES, volumeMounts: mounts, ...(copy.envFrom ? { envFrom: copy.envFrom } : {}) };
  if (copy.argv[0] === "gcloud") return { ...base, command: copy.argv, ...rest };
  return { ...base, command: ["sh", "-c", `${copy.setup}exec ${shellWords(copy.argv)}`], env: copy.env, ...rest };
}

/** Env the engine (and the benchmark's tokenizer downloads) need for the source: HF_ENDPOINT for a mirror. */
export function weightsEnv(model: Pick<ModelConfig, "weights">): Record<string, string> {
  return model.weights?.hfEndpoint ? { HF_ENDPOINT: model.weights.hfEndpoint } : {};
}

/** vLLM's --model argument replaced by the copied folder when the weights come from object storage. */
export function withLocalModel(args: string[], model: ModelConfig): string[] {
  return model.weights?.from ? withModelDir(args, LOCAL_WEIGHTS_DIR) : args;
}

/** vLLM's --model argument replaced by a folder on disk. */
export function withModelDir(args: string[], dir: string): string[] {
  const i = args.indexOf("--model");
  return i < 0 ? args : [...args.slice(0, i + 1), dir, ...args.slice(i + 2)];
}

/** Config rules of model.weights (registered in engine/rules.ts ENGINE_RULES). */
export const weightsRule: ConfigRule = (config, _facts, out) => {
  const w = config.model.weights;
  if (!w) return;
  const path = "servelab:model.weights";
  if (w.hfEndpoint && w.from) out.push({ path, message: "sets both hfEndpoint and from: the weights come from one source; keep one" });
  if (!w.from) {
    for (const key of ["endpoint", "region", "credentialsSecret", "image"] as const) {
      if (w[key] !== undefined) out.push({ path: `${path}.${key}`, message: "applies only with weights.from (an object-storage prefix); remove it or set from" });
    }
  }
  if (w.from?.startsWith("tos://") && !w.endpoint && !w.region && config.cluster.provider !== "vke") {
    out.push({ path: `${path}.region`, message: "a tos:// source needs the bucket's region (or weights.endpoint) outside VKE, e.g. region: cn-beijing" });
  }
  if (w.from?.startsWith("gs://") && w.endpoint) out.push({ path: `${path}.endpoint`, message: "applies to s3:// and tos:// only; gs:// uses Google Cloud Storage's own endpoint" });
  const kind = config.router.kind;
  if (kind === "kubeai" || kind === "production-stack") {
    out.push({ path, message: `is not wired for router.kind ${kind} (its chart or Model CR starts the engines); use it with k8s-service or aibrix, or remove it` });
  }
};
