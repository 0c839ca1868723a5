import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    // Test files share their worker's module cache: @pulumi/pulumi and the cloud SDKs load once per
    // worker instead of once per file (most of the suite's time). Every suite that uses the mock
    // runtime sets its own mocks and config first, so no state crosses files.
    isolate: false,
  },
});
