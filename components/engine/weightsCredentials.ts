/**
 * servelab:weightsCredentials (a Pulumi secret): the keys of the Secret the weights copy reads (model.weights.
 * credentialsSecret, e.g. AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for TOS's S3 endpoint). With it the row creates
 * that Secret in its namespace before the engines, so an object-storage row runs unattended; without it the Secret
 * must exist already. Pure: the check of the value and what the row does with it.
 */
import { ConfigProblem } from "../config/problems";
import { ModelConfig } from "../config/schema";

export const WEIGHTS_CREDENTIALS_KEY = "servelab:weightsCredentials";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EXAMPLE = `pulumi config set --secret ${WEIGHTS_CREDENTIALS_KEY} '{"AWS_ACCESS_KEY_ID": "...", "AWS_SECRET_ACCESS_KEY": "..."}'`;

/** The value's environment variables, or the problem with it (never echoing the value). */
export function parseWeightsCredentials(text: string): { env?: Record<string, string>; problem?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: `is not a JSON object of environment variables; set it with \`${EXAMPLE}\`` };
  }
  if (!value || typeof value !== "object" || Array.isArray(value) || Object.keys(value).length === 0) {
    return { problem: `must be a non-empty JSON object of environment variables, e.g. \`${EXAMPLE}\`` };
  }
  const bad = Object.entries(value).filter(([k, v]) => !ENV_NAME.test(k) || typeof v !== "string" || v === "");
  if (bad.length > 0) {
    return { problem: `${bad.map(([k]) => JSON.stringify(k)).join(", ")}: each key must be an environment variable name and each value a non-empty string` };
  }
  return { env: value as Record<string, string> };
}

/** The Secret the row's object-storage weights copy reads (model.weights.credentialsSecret), if it has one. */
export function weightsCopySecretName(model: Pick<ModelConfig, "weights">): string | undefined {
  return model.weights?.from ? model.weights.credentialsSecret : undefined;
}

/** The Secret the row creates from servelab:weightsCredentials, or why it cannot (a row without a Secret to fill). */
export function weightsCredentialsSecret(model: Pick<ModelConfig, "weights">): { name?: string; problem?: ConfigProblem } {
  const name = weightsCopySecretName(model);
  if (name) return { name };
  return {
    problem: {
      path: WEIGHTS_CREDENTIALS_KEY,
      message: model.weights?.from
        ? "is set, but model.weights.credentialsSecret (or the cluster's mirrors.weights.credentialsSecret) names no Secret for it: name one, e.g. credentialsSecret: tos-weights"
        : "is set, but the row copies no weights from object storage (model.weights.from); remove it",
    },
  };
}
