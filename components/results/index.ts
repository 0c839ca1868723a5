import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config/problems";
import { gcpSdk } from "../util/cloudSdk";
import { ExperimentConfig } from "../config/schema";
import { ResultsAccess } from "./access";
import { GcsResults } from "./gcsResults";
import { S3Results } from "./s3Results";
import { resultsSpec } from "./spec";
import { TosResults } from "./tosResults";

export interface ResultsArgs {
  stack: string;
  config: ExperimentConfig;
  namespace: pulumi.Input<string>;
  labels: Record<string, string>;
  /** Name of the benchmark Job's Kubernetes ServiceAccount (in `namespace`). */
  serviceAccount: string;
}

/**
 * The results bucket's cloud side for the configured store, or undefined without results.bucket.
 * `opts` should carry the cluster's Kubernetes provider: the key Secrets live in the cluster.
 */
export function createResultsAccess(name: string, args: ResultsArgs, opts: pulumi.ComponentResourceOptions): ResultsAccess | undefined {
  const spec = resultsSpec(args.config, args.stack);
  if (!spec) return undefined;
  const { stack, namespace, labels } = args;
  switch (spec.store) {
    case "gcs": {
      const { cluster } = args.config;
      const project = (cluster.provider === "gke" ? cluster.project : undefined) ?? gcpSdk().config.project;
      if (!project) throw new ConfigError([{ path: "servelab:cluster.project", message: "is not set and neither is gcp:project; run `pulumi config set gcp:project <your-project>`" }]);
      return new GcsResults(name, { spec, project, stack, namespace, serviceAccount: args.serviceAccount }, opts).access;
    }
    case "s3":
      return new S3Results(name, { spec, stack, namespace, labels }, opts).access;
    case "tos":
      return new TosResults(name, { spec, stack, namespace, labels }, opts).access;
  }
}
