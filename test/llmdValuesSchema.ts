/**
 * The keys servelab sets in llm-d-router-standalone v0.10.0 values, as a JSON schema (the chart ships none). Every key
 * is one of the chart's: routerlib's values.yaml (llm-d/llm-d-router@v0.10.0:config/charts/routerlib/values.yaml,
 * under the dependency alias `router`) or the standalone chart's own values.yaml (router.proxy.*, router.extraServicePorts),
 * except the keys in TEMPLATE_ONLY_KEYS, which the templates read although values.yaml only mentions them in comments.
 */
export const TEMPLATE_ONLY_KEYS: Record<string, string> = {
  // routerlib values.yaml comments it out ("REQUIRED in parent charts"); templates/_inferencepool.yaml renders it as the pool's selector.
  "router.modelServers.matchLabels": "templates/_inferencepool.yaml",
  // The standalone values.yaml: "Optional explicit proxy overrides applied on top of the selected preset ... set proxy.image".
  "router.proxy.image": "templates/_helpers.tpl llm-d-router.proxy",
};

const quantity = { type: "string", pattern: "^[0-9]+(\\.[0-9]+)?(m|Ki|Mi|Gi|Ti)?$" };
const resources = {
  type: "object",
  additionalProperties: false,
  required: ["requests", "limits"],
  properties: {
    requests: { type: "object", additionalProperties: false, required: ["cpu", "memory"], properties: { cpu: quantity, memory: quantity } },
    limits: { type: "object", additionalProperties: false, required: ["cpu", "memory"], properties: { cpu: quantity, memory: quantity } },
  },
};
const labels = { type: "object", minProperties: 1, additionalProperties: { type: "string" } };

export const LLMD_VALUES_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["router"],
  properties: {
    router: {
      type: "object",
      additionalProperties: false,
      required: ["modelServers", "inferencePool", "epp", "proxy"],
      properties: {
        modelServers: {
          type: "object",
          additionalProperties: false,
          required: ["type", "protocol", "matchLabels", "targetPorts"],
          properties: {
            type: { const: "vllm" },
            protocol: { const: "http" },
            matchLabels: labels,
            targetPorts: { type: "array", minItems: 1, items: { type: "object", additionalProperties: false, required: ["number"], properties: { number: { type: "integer", minimum: 1, maximum: 65535 } } } },
          },
        },
        inferencePool: {
          type: "object",
          additionalProperties: false,
          required: ["create", "failureMode"],
          properties: { create: { const: true }, failureMode: { enum: ["FailOpen", "FailClose"] } },
        },
        epp: {
          type: "object",
          additionalProperties: false,
          required: ["replicas", "image", "resources", "pluginsConfigFile", "pluginsCustomConfig"],
          properties: {
            // One replica: the approximate prefix index lives in the EPP's memory (the chart's README on active-passive HA).
            replicas: { const: 1 },
            image: {
              type: "object",
              additionalProperties: false,
              required: ["registry", "repository", "tag", "pullPolicy"],
              // A released tag, never the chart source's `main` with pullPolicy Always.
              properties: { registry: { type: "string" }, repository: { type: "string" }, tag: { type: "string", pattern: "^v[0-9]+\\.[0-9]+\\.[0-9]+$" }, pullPolicy: { const: "IfNotPresent" } },
            },
            resources,
            affinity: { type: "object" },
            tolerations: { type: "array" },
            pluginsConfigFile: { type: "string", pattern: "\\.yaml$" },
            pluginsCustomConfig: { type: "object", minProperties: 1, maxProperties: 1, additionalProperties: { type: "string" } },
          },
        },
        // The precise mode's `vllm launch render` sidecar (routerlib values.yaml `tokenizer`, templates/_deployment.yaml).
        tokenizer: {
          type: "object",
          additionalProperties: false,
          required: ["enabled", "modelName", "image", "port", "env", "resources"],
          properties: {
            enabled: { const: true },
            // The chart fails the render without it (templates/_helpers.tpl llm-d-router.validations.epp.tokenizer).
            modelName: { type: "string", minLength: 1 },
            image: {
              type: "object",
              additionalProperties: false,
              required: ["registry", "repository", "tag", "pullPolicy"],
              properties: { registry: { type: "string" }, repository: { type: "string" }, tag: { type: "string", pattern: "^v[0-9]+\\.[0-9]+\\.[0-9]+$" }, pullPolicy: { const: "IfNotPresent" } },
            },
            port: { type: "integer", minimum: 1, maximum: 65535 },
            // Always set: the chart's default reads a Secret `llm-d-hf-token` servelab does not create.
            env: {
              type: "array",
              items: {
                type: "object",
                additionalProperties: false,
                required: ["name"],
                properties: {
                  name: { type: "string" },
                  value: { type: "string" },
                  valueFrom: {
                    type: "object",
                    additionalProperties: false,
                    required: ["secretKeyRef"],
                    properties: { secretKeyRef: { type: "object", additionalProperties: false, required: ["name", "key"], properties: { name: { not: { const: "llm-d-hf-token" } }, key: { const: "token" } } } },
                  },
                },
              },
            },
            resources,
          },
        },
        // The EPP's /metrics without a token: servelab's benchmark Job scrapes it with a namespaced, read-only Role,
        // which cannot grant the nonResourceURL /metrics the chart's default auth asks for.
        monitoring: {
          type: "object",
          additionalProperties: false,
          required: ["prometheus"],
          properties: {
            prometheus: {
              type: "object",
              additionalProperties: false,
              required: ["auth"],
              properties: { auth: { type: "object", additionalProperties: false, required: ["enabled"], properties: { enabled: { const: false } } } },
            },
          },
        },
        proxy: {
          type: "object",
          additionalProperties: false,
          required: ["enabled", "proxyType", "mode", "failOpen", "resources"],
          properties: {
            enabled: { const: true },
            proxyType: { const: "envoy" },
            mode: { const: "sidecar" },
            failOpen: { type: "boolean" },
            resources,
            image: { type: "string" },
          },
        },
      },
    },
  },
} as const;

/**
 * Every key path the schema allows (objects with fixed properties only; maps such as matchLabels stop there, and so do
 * `resources`, a Kubernetes ResourceRequirements the templates pass through with toYaml).
 */
export function schemaKeyPaths(schema: any = LLMD_VALUES_SCHEMA, prefix = ""): string[] {
  if (!schema?.properties) return [];
  return Object.entries(schema.properties).flatMap(([key, sub]: [string, any]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const below = sub.type === "object" && sub.properties && key !== "resources" ? schemaKeyPaths(sub, path) : [];
    return [path, ...below];
  });
}
