/**
 * What the matrix runner needs from Pulumi, as a small interface: the real one drives the Pulumi CLI
 * through the Automation API (automationDriver.ts); tests use a fake.
 */

/** The stack outputs every experiment exports (index.ts). */
export interface StackOutputs {
  kubeconfig?: string;
  /** The context to read the kubeconfig through, when the stack's cluster names one (else the file's current context). */
  kubeContext?: string;
  namespace?: string;
  benchmarkJobName?: string;
  baseUrl?: string;
  servedModel?: string;
  /** gs://, s3:// or tos:// prefix the Job uploads to, when servelab:results.bucket is set. */
  resultsLocation?: string;
  /** Label selector of the engine pods, and the container that runs vLLM (for its start-up log). */
  engineSelector?: string;
  engineContainer?: string;
  /** The engine pods' weights-cache init container, when the cluster's weights cache is used. */
  weightsCacheContainer?: string;
}

/** Outputs that may be written to disk and shown (the kubeconfig is a secret). */
export const PUBLIC_OUTPUTS = ["kubeContext", "namespace", "benchmarkJobName", "baseUrl", "servedModel", "resultsLocation", "engineSelector", "engineContainer", "weightsCacheContainer"] as const;

export interface OperationIO {
  /** Pulumi's output, in chunks as it arrives. */
  onOutput: (text: string) => void;
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal;
}

export interface StackDriver {
  /** `pulumi up`; for an experiment stack it returns once the benchmark Job has completed. */
  up(stack: string, io: OperationIO): Promise<StackOutputs>;
  /** The outputs of the last update, e.g. after an up that failed once its outputs were known. */
  outputs(stack: string): Promise<StackOutputs>;
  /** `pulumi destroy`; `refresh` first reconciles the state with the cloud (used on a retry). */
  destroy(stack: string, io: OperationIO & { refresh?: boolean }): Promise<void>;
}

/** Picks the known outputs from Pulumi's `{name: {value, secret}}` map; anything not a string is absent. */
export function toStackOutputs(raw: Record<string, { value?: unknown } | undefined>): StackOutputs {
  const out: StackOutputs = {};
  for (const key of ["kubeconfig", ...PUBLIC_OUTPUTS] as const) {
    const value = raw[key]?.value;
    if (typeof value === "string" && value !== "") out[key] = value;
  }
  return out;
}

export function publicOutputs(outputs: StackOutputs): Record<string, string | undefined> {
  return Object.fromEntries(PUBLIC_OUTPUTS.map((k) => [k, outputs[k]]));
}
