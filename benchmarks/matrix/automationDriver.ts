/**
 * The StackDriver over Pulumi's Automation API (it runs the `pulumi` CLI, which must be installed).
 * Stack config stays in stacks/Pulumi.<stack>.yaml (Pulumi.yaml: stackConfigDir): this driver never passes
 * stackSettings nor calls saveStackSettings, which ignore stackConfigDir (pulumi/pulumi#10305); the
 * Automation API passes --stack on every command.
 *
 * Ctrl-C in a terminal reaches the pulumi child process directly (same process group), which then cancels
 * gracefully; a second SIGINT would make it quit at once and leave pending operations. So an abort is
 * forwarded to pulumi only if the operation is still running after a grace period (the interrupt came from
 * elsewhere, e.g. `kill -INT <runner pid>`).
 */
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { OperationIO, StackDriver, StackOutputs, toStackOutputs } from "./driver";
import { pulumiOperation } from "./pulumiErrors";

export const FORWARD_INTERRUPT_AFTER_MS = 30_000;

/** A signal that fires `delayMs` after `signal` does, unless `done` is called first. */
export function delayedAbort(signal: AbortSignal | undefined, delayMs: number): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    timer = setTimeout(() => controller.abort(), delayMs);
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

export class AutomationDriver implements StackDriver {
  constructor(
    /** The project folder (Pulumi.yaml). */
    private readonly workDir: string,
    private readonly forwardInterruptAfterMs = FORWARD_INTERRUPT_AFTER_MS,
  ) {}

  /** Fails with a readable message when the Pulumi CLI is missing. */
  static async checkCli(): Promise<void> {
    try {
      await PulumiCommand.get();
    } catch (err) {
      const text = (err as Error).message;
      const reason = /ENOENT/.test(text) ? "`pulumi` is not on the PATH" : (/stderr: (.*)/.exec(text)?.[1] ?? text.split("\n")[0]);
      throw new Error(`the Pulumi CLI is needed to run the matrix (https://www.pulumi.com/docs/iac/download-install/): ${reason}`);
    }
  }

  private stack(name: string): Promise<Stack> {
    return LocalWorkspace.createOrSelectStack({ stackName: name, workDir: this.workDir });
  }

  async up(name: string, io: OperationIO): Promise<StackOutputs> {
    const forward = delayedAbort(io.signal, this.forwardInterruptAfterMs);
    try {
      return await pulumiOperation("up", async () => {
        const stack = await this.stack(name);
        const result = await stack.up({ onOutput: io.onOutput, onError: io.onOutput, signal: forward.signal, color: "never" });
        return toStackOutputs(result.outputs);
      });
    } finally {
      forward.done();
    }
  }

  async outputs(name: string): Promise<StackOutputs> {
    return pulumiOperation("stack output", async () => toStackOutputs(await (await this.stack(name)).outputs()));
  }

  async destroy(name: string, io: OperationIO & { refresh?: boolean }): Promise<void> {
    await pulumiOperation("destroy", async () => {
      const stack = await this.stack(name);
      await stack.destroy({ onOutput: io.onOutput, onError: io.onOutput, refresh: io.refresh, color: "never" });
    });
  }
}
