/**
 * Runs the servelab program under Pulumi's mock runtime and records every resource it declares,
 * with its parent, in declaration order. No engine, no cloud, no CLI.
 */
import * as pulumi from "@pulumi/pulumi";
import PLAN_ONLY_OUTPUTS from "./planOnlyOutputs.json";

export interface RecordedResource {
  type: string;
  name: string;
  /** Logical name of the parent resource; null at top level. */
  parent: string | null;
  custom: boolean;
  inputs: Record<string, unknown>;
}

export interface MockRunResult<T> {
  resources: RecordedResource[];
  outputs: T;
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Every leaf replaced by "[secret]", keeping keys so a redacted Secret still shows its shape. */
function redactLeaves(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactLeaves);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactLeaves(v)]));
  return "[secret]";
}

/** Replaces every secret value with "[secret]" so a plan or a log never holds one. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[SECRET_SIG_KEY] === SECRET_SIG) return redactLeaves(obj.value);
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, redactSecrets(v)]));
  }
  return value;
}

/** Outputs the cloud would compute that the program reads (planOnlyOutputs.json); everything else echoes the inputs. */
function computedState(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  return { ...inputs, ...(PLAN_ONLY_OUTPUTS as Record<string, Record<string, unknown>>)[type] };
}

function nameOfUrn(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

type Resolved<T> = T extends pulumi.Output<infer U> ? U : T;

/** The value of an output, or "[secret]" for a secret one. */
async function settle(value: unknown): Promise<unknown> {
  if (!pulumi.Output.isInstance(value)) return value;
  const output = value as pulumi.Output<unknown> & { isSecret: Promise<boolean> };
  const plain = await new Promise((resolve) => output.apply((v) => resolve(v)));
  return (await output.isSecret) ? "[secret]" : plain;
}

/** The type token of a stack reference; its state carries the referenced stack's outputs. */
export const STACK_REFERENCE = "pulumi:pulumi:StackReference";

export async function runUnderMocks<T extends object>(
  stack: string,
  config: Record<string, string>,
  secretKeys: string[],
  program: () => T | Promise<T>,
  project = "servelab",
  /** The state of a stack reference by the referenced stack's name (its outputs); default: no outputs. */
  stackReference?: (name: string) => Record<string, unknown>,
): Promise<MockRunResult<{ [K in keyof T]: Resolved<T[K]> }>> {
  const resources: RecordedResource[] = [];
  const parents = new Map<string, string | null>();
  pulumi.runtime.setAllConfig(config, secretKeys);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const parent = parents.get(`${args.type}::${args.name}`) ?? null;
        resources.push({ type: args.type, name: args.name, parent, custom: args.custom ?? true, inputs: redactSecrets(args.inputs) as Record<string, unknown> });
        if (args.type === STACK_REFERENCE && stackReference) return { id: args.id ?? args.name, state: stackReference(String(args.inputs.name)) };
        return { id: args.custom ? `${args.name}-id` : undefined, state: computedState(args.type, args.inputs) };
      },
      // Invokes answer from the plan-only table too (e.g. VKE's getKubeconfigs), else with their inputs.
      call: (args) => ({ ...args.inputs, ...(PLAN_ONLY_OUTPUTS as Record<string, Record<string, unknown>>)[args.token] }),
    },
    project,
    stack,
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: RegisterRequest, cb: unknown) => unknown };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const parentUrn = req.getParent();
    parents.set(`${req.getType()}::${req.getName()}`, parentUrn ? nameOfUrn(parentUrn) : null);
    return register(req, cb);
  };

  const outputs = await program();
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(outputs)) resolved[key] = await settle(value);
  await (pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> }).waitForRPCs();
  return { resources, outputs: resolved as { [K in keyof T]: Resolved<T[K]> } };
}

interface RegisterRequest {
  getParent(): string;
  getType(): string;
  getName(): string;
}
