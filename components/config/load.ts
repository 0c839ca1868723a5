import * as pulumi from "@pulumi/pulumi";
import { parseExperimentConfig } from "./parse";
import { ExperimentConfig } from "./schema";

const NAMESPACE = "servelab";

/** Structured values arrive as JSON text; anything else is passed on as is for the schema to judge. */
function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Reads every servelab:* key of the running stack (never the secret's value) and parses it. */
export function loadExperimentConfig(): { config: ExperimentConfig; hfToken?: pulumi.Output<string> } {
  const raw: Record<string, unknown> = {};
  const prefix = `${NAMESPACE}:`;
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    if (name === "hfToken") continue;
    raw[name] = decode(value);
  }
  const config = parseExperimentConfig(raw);
  const hfToken = new pulumi.Config(NAMESPACE).getSecret("hfToken");
  return { config, hfToken };
}
