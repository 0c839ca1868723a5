/**
 * servelab:results rules (pure): which bucket settings fit which store and cluster. Each problem
 * names the key, the value and what would work.
 */
import { ConfigRule } from "../cluster/facts";
import { ConfigProblem } from "../config/problems";
import { ExperimentConfig } from "../config/schema";
import { parseBucketUrl } from "./spec";

const STORE_KEYS = { location: ["gcs"], region: ["s3", "tos"], endpoint: ["s3", "tos"] } as const;

export function resultsProblems(config: ExperimentConfig): ConfigProblem[] {
  const { results } = config;
  const out: ConfigProblem[] = [];
  const { provider } = config.cluster;
  if (!results.bucket) {
    for (const key of ["create", "destroyResults", "location", "region", "endpoint"] as const) {
      if (results[key] !== undefined) out.push({ path: `servelab:results.${key}`, message: "only applies with results.bucket; set the bucket or remove the key" });
    }
    return out;
  }
  const url = parseBucketUrl(results.bucket);
  if (!url) return out;
  if (!config.benchmark) {
    out.push({ path: "servelab:results.bucket", message: "has no effect without servelab:benchmark: only the benchmark Job writes results (and only then does servelab create the bucket or grant access); add a benchmark or remove servelab:results" });
  }
  const where = `${url.scheme}://`;

  for (const [key, stores] of Object.entries(STORE_KEYS)) {
    if (results[key as keyof typeof STORE_KEYS] !== undefined && !(stores as readonly string[]).includes(url.store)) {
      out.push({ path: `servelab:results.${key}`, message: `does not apply to ${where} buckets; it is for ${stores.map((s) => (s === "gcs" ? "gs://" : `${s}://`)).join(" and ")}` });
    }
  }
  if (results.destroyResults && !results.create) {
    out.push({ path: "servelab:results.destroyResults", message: "only applies with create: true: servelab never deletes a bucket it did not create" });
  }
  if (url.store === "tos" && results.destroyResults) {
    out.push({
      path: "servelab:results.destroyResults",
      message: "is not available for tos:// buckets: the Volcengine provider (v0.0.47) only deletes empty TOS buckets, so destroy would fail on the results; the bucket is always left in place (empty and delete it with tosutil when done)",
    });
  }
  if (results.location !== undefined && !results.create) {
    out.push({ path: "servelab:results.location", message: "only applies with create: true (an existing bucket keeps its location)" });
  }

  if (url.store === "gcs" && provider !== "gke") {
    out.push({
      path: "servelab:results.bucket",
      message: `"${results.bucket}": gs:// buckets are written through GKE Workload Identity, which needs cluster.provider: gke (cluster is ${provider}); use an s3:// or tos:// bucket (servelab gives the Job a write-only key), or read the results from the pod log`,
    });
  }
  if (url.store === "s3" && !results.region) {
    out.push({ path: "servelab:results.region", message: `is required with an s3:// bucket: the AWS region the bucket lives in (e.g. "us-east-1"), which the Job signs its uploads for` });
  }
  if (url.store === "tos" && !results.region && provider !== "vke") {
    out.push({ path: "servelab:results.region", message: `is required with a tos:// bucket outside VKE (cluster is ${provider}): the Volcengine region of the bucket, e.g. "cn-beijing"; the Job then uploads through the public endpoint https://tos-s3-<region>.volces.com` });
  }
  if (url.store !== "gcs" && url.bucket.includes("_")) {
    out.push({ path: "servelab:results.bucket", message: `"${url.bucket}": ${url.scheme}:// bucket names cannot contain "_"; use lowercase letters, digits and "-"` });
  }
  if (url.store === "tos" && url.bucket.includes(".")) {
    out.push({ path: "servelab:results.bucket", message: `"${url.bucket}": TOS is reached with virtual-hosted addressing (<bucket>.tos-s3-<region>...), where a "." in the bucket name breaks the TLS certificate; use "-"` });
  }
  return out;
}

export const RESULTS_RULES: readonly ConfigRule[] = [(config, _facts, out) => out.push(...resultsProblems(config))];
