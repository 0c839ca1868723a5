#!/usr/bin/env node
/**
 * Loads the program the way `pulumi up` does, under Pulumi's mock runtime, and plans one stack:
 *
 *   node tools/pulumi-loader.cjs <stack> [--cold] [--json] [--stacks <dir>]
 *
 * The Pulumi CLI's Node.js language host reads Pulumi.yaml's `runtime.options` (`typescript`, default
 * true, and `tsconfig`), exports them as PULUMI_NODEJS_TYPESCRIPT / PULUMI_NODEJS_TSCONFIG_PATH and the
 * stack config as PULUMI_CONFIG, then starts @pulumi/pulumi's `cmd/run` in the project folder
 * (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go: parseOptions, RunPlugin). `cmd/run`
 * registers the TypeScript loader (its vendored ts-node 7 with the project's TypeScript; transpile-only
 * when the tsconfig sets `noCheck`) and requires the program (@pulumi/pulumi 3.248.0 cmd/run/run.js).
 * This script does the same, except that the resource monitor is the SDK's mock instead of the
 * engine's gRPC server. Plain JavaScript on purpose: no TypeScript hook of ours is in the process. A row on a
 * cluster stack gets its StackReference answered as if the cluster stack were up (clusterStackReference).
 *
 * --cold gives ts-node a new, empty cache directory (what a fresh machine or CI runner sees).
 * --stacks reads the stack files from <dir> instead of Pulumi.yaml's stackConfigDir (tests use it for broken stacks).
 * Prints the start-up time (process start to the program's first resource, the Stack aside), the number of resources
 * and the stack outputs' names; exits 1 when the program fails to load or to run.
 */
"use strict";
const startedAt = process.hrtime.bigint();
const { mkdtempSync, readFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..");
const PLAN_ONLY_OUTPUTS = require("../components/plan/planOnlyOutputs.json");
/** What a real stack gets from the user's machine (`pulumi config set`), as in `npm run plan`. */
const MACHINE_CONFIG = { "gcp:project": "your-gcp-project", "servelab:hfToken": "hf_plan_placeholder" };
/** Where the stack files are read (--stacks, else Pulumi.yaml's stackConfigDir). */
let stacksDir;
const stackFile = (project, stack) => join(stacksDir ?? join(ROOT, project.stackConfigDir || "."), `Pulumi.${stack}.yaml`);

function usage(message) {
  if (message) console.error(`pulumi-loader: ${message}`);
  console.error("usage: node tools/pulumi-loader.cjs <stack> [--cold] [--json] [--stacks <dir>]");
  process.exit(2);
}

/** The environment the language host gives `cmd/run`, from Pulumi.yaml's runtime options. */
function languageHostEnv(projectFile) {
  const { parse } = require("yaml");
  const project = parse(readFileSync(projectFile, "utf8"));
  const options = (typeof project.runtime === "object" && project.runtime.options) || {};
  const env = { PULUMI_NODEJS_PROJECT: project.name };
  if (options.typescript !== false) env.PULUMI_NODEJS_TYPESCRIPT = "true";
  if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
  return { env, project };
}

/**
 * What the engine reads for a row's StackReference to an up cluster stack, as far as the program needs it: the
 * cluster stack's servelab:cluster from its file (the program parses it with the schema, as it parses the real
 * `cluster` output) and a placeholder kubeconfig (secret).
 */
function clusterStackReference(project, name) {
  const { parse } = require("yaml");
  const stack = String(name).split("/").pop();
  const doc = parse(readFileSync(stackFile(project, stack), "utf8")) || {};
  const cluster = (doc.config || {})["servelab:cluster"];
  return { name, outputs: { kubeconfig: `apiVersion: v1\nkind: Config\n# cluster stack ${name} (loader placeholder)\n`, cluster }, secretOutputNames: ["kubeconfig"] };
}

/** The stack file's config as the engine passes it: "ns:key" -> string (structured values as JSON). */
function stackConfig(project, stack) {
  const { parse } = require("yaml");
  const doc = parse(readFileSync(stackFile(project, stack), "utf8")) || {};
  const config = {};
  for (const [rawKey, value] of Object.entries(doc.config || {})) {
    const key = rawKey.includes(":") ? rawKey : `${project.name}:${rawKey}`;
    if (value && typeof value === "object" && "secure" in value) continue;
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { ...MACHINE_CONFIG, ...config };
}

async function main(argv) {
  const stacksAt = argv.indexOf("--stacks");
  if (stacksAt >= 0) {
    if (!argv[stacksAt + 1]) usage("--stacks needs a folder");
    stacksDir = resolve(argv[stacksAt + 1]);
    argv = argv.filter((_, i) => i !== stacksAt && i !== stacksAt + 1);
  }
  const stack = argv.find((a) => !a.startsWith("--"));
  if (!stack || argv.includes("--help") || argv.includes("-h")) usage(stack ? undefined : "name a stack");
  process.chdir(ROOT);
  const { env, project } = languageHostEnv(join(ROOT, "Pulumi.yaml"));
  const config = stackConfig(project, stack);
  Object.assign(process.env, env, { PULUMI_CONFIG: JSON.stringify(config), PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(["servelab:hfToken"]) });
  if (argv.includes("--cold")) process.env.TS_NODE_CACHE_DIRECTORY = mkdtempSync(join(tmpdir(), "sl-ts-node-"));

  const pulumi = require("@pulumi/pulumi");
  let resources = 0;
  let firstResourceAt;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        resources++;
        if (args.type !== "pulumi:pulumi:Stack") firstResourceAt ??= process.hrtime.bigint();
        if (args.type === "pulumi:pulumi:StackReference") return { id: args.id || args.name, state: clusterStackReference(project, args.inputs.name) };
        return { id: args.custom ? `${args.name}-id` : undefined, state: { ...args.inputs, ...PLAN_ONLY_OUTPUTS[args.type] } };
      },
      call: (args) => ({ ...args.inputs, ...PLAN_ONLY_OUTPUTS[args.token] }),
    },
    project.name,
    stack,
    true,
  );
  const monitor = pulumi.runtime.getMonitor();
  // The engine's shutdown handshake, which the SDK's mock monitor lacks.
  monitor.signalAndWaitForShutdown ??= (req, callback) => callback(null, {});
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  let outputs = [];
  monitor.registerResourceOutputs = (req, callback) => {
    if (req.getUrn().includes("::pulumi:pulumi:Stack::")) outputs = Object.keys(req.getOutputs()?.toJavaScript() ?? {}).sort();
    return registerOutputs(req, callback);
  };
  process.on("exit", (code) => {
    if (code !== 0 || process.exitCode) return;
    const seconds = (t) => (t === undefined ? null : Number(t - startedAt) / 1e9);
    const result = { stack, startupSeconds: seconds(firstResourceAt), totalSeconds: seconds(process.hrtime.bigint()), resources, outputs };
    console.log(argv.includes("--json") ? JSON.stringify(result) : `${stack}: first resource after ${result.startupSeconds?.toFixed(2)} s, done after ${result.totalSeconds.toFixed(2)} s, ${resources} resources, outputs ${outputs.join(", ")}`);
  });
  // The language host's command line for `cmd/run` (RunPlugin in pulumi-language-nodejs); the mock
  // monitor set above answers instead of the address.
  process.argv = [process.execPath, require.resolve("@pulumi/pulumi/cmd/run"), `--project=${project.name}`, `--stack=${stack}`, "--monitor=mock", "--dry-run", "."];
  require("@pulumi/pulumi/cmd/run");
}

main(process.argv.slice(2)).catch((err) => {
  console.error(`pulumi-loader: ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
