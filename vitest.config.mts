import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    // Test files share their worker's module cache: @pulumi/pulumi and the cloud SDKs load once per
    // worker instead of once per file (most of the suite's time). Every suite that uses the mock
    // runtime sets its own mocks and config first, so no state crosses files.
    isolate: false,
    // vitest's default is one worker fewer than the CPUs: one worker on a 2-CPU machine. Many suites
    // wait on child processes (tools, python drivers), so two workers keep both CPUs busy.
    maxWorkers: 2,
  },
});
