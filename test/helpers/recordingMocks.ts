/**
 * Pulumi's mock runtime with a record of what the program declared: every resource's inputs (`created`)
 * and, from the register requests, the resource options the mocks do not pass on (`registered`).
 */
import * as pulumi from "@pulumi/pulumi";

export interface Registration {
  type: string;
  provider: string;
  version: string;
  pluginDownloadURL: string;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  replaceOnChanges: string[];
  additionalSecretOutputs: string[];
  /** Names (not URNs) of the resources this one depends on. */
  dependencies: string[];
}

export interface Recorder {
  created: pulumi.runtime.MockResourceArgs[];
  registered: Map<string, Registration>;
  calls: pulumi.runtime.MockCallArgs[];
}

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

/** `state` gives a resource's outputs (default: its inputs); `id` its id (default: `<name>-id`). */
export async function recordingMocks(
  stack: string,
  options: {
    state?: (a: pulumi.runtime.MockResourceArgs) => Record<string, unknown>;
    id?: (a: pulumi.runtime.MockResourceArgs) => string;
    config?: Record<string, string>;
    /** An invoke's result (default: its inputs); `calls` records every invoke. */
    call?: (a: pulumi.runtime.MockCallArgs) => Record<string, unknown>;
  } = {},
): Promise<Recorder> {
  const recorder: Recorder = { created: [], registered: new Map(), calls: [] };
  if (options.config) pulumi.runtime.setAllConfig(options.config);
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        recorder.created.push(a);
        return { id: options.id?.(a) ?? `${a.name}-id`, state: options.state?.(a) ?? a.inputs };
      },
      call: (a) => {
        recorder.calls.push(a);
        return options.call?.(a) ?? a.inputs;
      },
    },
    "servelab",
    stack,
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: any, cb: unknown) => unknown };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    recorder.registered.set(req.getName(), {
      type: req.getType(),
      provider: req.getProvider(),
      version: req.getVersion(),
      pluginDownloadURL: req.getPlugindownloadurl(),
      retainOnDelete: req.getRetainondelete(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      replaceOnChanges: req.getReplaceonchangesList(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      dependencies: req.getDependenciesList().map(nameOf),
    });
    return register(req, cb);
  };
  return recorder;
}

export const out = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
