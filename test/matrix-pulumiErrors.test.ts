/** Short failure messages from the Automation API's CommandError text (whole output, stderr twice). */
import { describe, expect, it } from "vitest";
import { PulumiOperationError, pulumiOperation, summarizePulumiFailure } from "../benchmarks/matrix/pulumiErrors";

const commandError = (stdout: string, stderr: string, code = 255) =>
  `code: -2\n stdout: ${stdout}\n stderr: Command failed with exit code ${code}: pulumi up --yes --skip-preview --stack k8s_stack --non-interactive\n${stderr}\n err?: Error: Command failed with exit code ${code}: pulumi up --yes\n${stderr}\n`;

describe("summarizePulumiFailure", () => {
  it("keeps the specific errors, once each, and the exit code", () => {
    const stdout = "Updating (k8s_stack)\nDiagnostics:\n  kubernetes:batch/v1:Job (servelab-benchmark-job):\n    error: 1 error occurred:\n    \t* Job \"benchmark\" failed: BackoffLimitExceeded\n  pulumi:pulumi:Stack (servelab-k8s_stack):\n    error: update failed\n";
    expect(summarizePulumiFailure("up", new Error(commandError(stdout, "error: update failed")))).toBe(
      'pulumi up failed (exit 255): * Job "benchmark" failed: BackoffLimitExceeded',
    );
  });

  it("says cancelled when Pulumi was interrupted", () => {
    expect(summarizePulumiFailure("up", new Error(commandError("Updating (k8s_stack)\n^C received; cancelling.", "")))).toBe("pulumi up was cancelled");
  });

  it("falls back to the first line for anything else", () => {
    expect(summarizePulumiFailure("destroy", new Error("spawn pulumi ENOENT"))).toBe("pulumi destroy failed: spawn pulumi ENOENT");
  });

  it("wraps an operation's failure and passes its result through", async () => {
    await expect(pulumiOperation("up", async () => 7)).resolves.toBe(7);
    await expect(pulumiOperation("up", async () => Promise.reject(new Error(commandError("", "error: no stack named 'x' found"))))).rejects.toThrow(PulumiOperationError);
    await expect(pulumiOperation("up", async () => Promise.reject(new Error(commandError("", "error: no stack named 'x' found"))))).rejects.toThrow("pulumi up failed (exit 255): error: no stack named 'x' found");
  });
});
