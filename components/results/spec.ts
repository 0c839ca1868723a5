/**
 * Where a stack's results go and what servelab creates for them (pure). The benchmark Job uploads to
 * <bucket>/<prefix>/<stack>/<run id>/ (servelab_common.upload_results), so every grant below is
 * scoped to <prefix>/<stack>/: one stack's Job can add results, never read, overwrite-delete or touch
 * another stack's.
 */
import { createHash } from "node:crypto";
import { ExperimentConfig } from "../config/schema";

export type ResultsStore = "gcs" | "s3" | "tos";

const STORES: Record<string, ResultsStore> = { gs: "gcs", s3: "s3", tos: "tos" };

export interface BucketUrl {
  store: ResultsStore;
  scheme: string;
  bucket: string;
  /** Path inside the bucket without leading or trailing "/"; "" when the URL names the bucket only. */
  prefix: string;
}

export function parseBucketUrl(url: string): BucketUrl | undefined {
  const match = /^([a-z0-9]+):\/\/([^/]+)(\/.*)?$/.exec(url);
  if (!match || !STORES[match[1]]) return undefined;
  return { store: STORES[match[1]], scheme: match[1], bucket: match[2], prefix: (match[3] ?? "").replace(/^\/+|\/+$/g, "") };
}

export interface ResultsSpec extends BucketUrl {
  /** Object-name prefix the Job writes under (no trailing "/"): <prefix>/<stack>. */
  objectPrefix: string;
  /** servelab creates the bucket (and owns it) instead of writing into an existing one. */
  create: boolean;
  /** `pulumi destroy` deletes a created bucket with its contents; false leaves it (and the results) behind. */
  destroyResults: boolean;
  /** GCS location of a created bucket. */
  location?: string;
  /** S3/TOS region the bucket lives in and the Job signs for. */
  region?: string;
  /** S3 endpoint the Job uploads to; undefined = AWS's default for the region. */
  endpoint?: string;
}

/** TOS's S3-compatible endpoint (tos-s3-<region>.volces.com, inside a VPC tos-s3-<region>.ivolces.com; as AIBrix's brixbench and model downloader use it): the VPC-internal host from VKE, the public one elsewhere. */
export function tosS3Endpoint(region: string, insideVolcengine: boolean): string {
  return `https://tos-s3-${region}.${insideVolcengine ? "ivolces" : "volces"}.com`;
}

/** The cluster's region when the bucket can default to it (GKE for GCS, VKE for TOS); an existing cluster has none. */
function clusterRegion(config: ExperimentConfig): string | undefined {
  return config.cluster.provider === "kubeconfig" ? undefined : config.cluster.region;
}

/**
 * The results destination of a validated config, or undefined without `results.bucket`. Rules in
 * results/rules.ts have already refused combinations this function would have to guess about.
 */
export function resultsSpec(config: ExperimentConfig, stack: string): ResultsSpec | undefined {
  const { results } = config;
  if (!results.bucket) return undefined;
  const url = parseBucketUrl(results.bucket);
  if (!url) throw new Error(`servelab: results.bucket ${results.bucket} passed validation but is not a bucket URL`);
  const { provider } = config.cluster;
  const spec: ResultsSpec = {
    ...url,
    objectPrefix: [url.prefix, stack].filter((p) => p).join("/"),
    create: results.create ?? false,
    destroyResults: results.destroyResults ?? false,
  };
  if (url.store === "gcs" && spec.create) spec.location = (results.location ?? clusterRegion(config) ?? "").toUpperCase();
  if (url.store === "s3") {
    spec.region = results.region;
    spec.endpoint = results.endpoint;
  }
  if (url.store === "tos") {
    spec.region = results.region ?? (provider === "vke" ? clusterRegion(config) : undefined);
    spec.endpoint = results.endpoint ?? (spec.region ? tosS3Endpoint(spec.region, provider === "vke") : undefined);
  }
  return spec;
}

/** The bucket URL the Job reads (SERVELAB_RESULTS_BUCKET) and the stack output `resultsLocation` (<bucket>/<stack>/). */
export function resultsLocation(bucketUrl: string, stack: string): string {
  return `${bucketUrl.replace(/\/$/, "")}/${stack}/`;
}

/**
 * A name for a per-stack cloud identity: lowercase letters, digits and "-", at most `max` characters,
 * ending in a short hash of the stack name so stacks whose names differ only past the cut stay distinct.
 */
export function identityName(prefix: string, stack: string, max: number): string {
  const hash = createHash("sha256").update(stack).digest("hex").slice(0, 6);
  const base = `${prefix}-${stack.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`.slice(0, max - hash.length - 1).replace(/-+$/, "");
  return `${base}-${hash}`;
}
