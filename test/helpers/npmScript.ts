/**
 * Runs a tool exactly as its `npm run <script>` does: the command line is read from package.json, and the
 * runner's bin is resolved from node_modules (what npm puts on PATH), so the tests and users share one.
 */
import { SpawnSyncOptions, SpawnSyncReturns, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };

/** node_modules/.bin/<name>'s target script, as package.json's "bin" field of the package names it. */
function binScript(name: string): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin[name];
  return join(ROOT, "node_modules", name, bin);
}

/** `npm run <script> -- <args>` in `cwd` (INIT_CWD as npm sets it), without npm's own start-up. */
export function npmScript(script: string, args: string[], options: SpawnSyncOptions & { cwd?: string } = {}): SpawnSyncReturns<string> {
  const [runner, ...rest] = pkg.scripts[script].split(" ");
  const cwd = options.cwd ?? ROOT;
  return spawnSync(process.execPath, [binScript(runner), ...rest.map((a) => join(ROOT, a)), ...args], {
    ...options,
    cwd,
    encoding: "utf8",
    env: { ...process.env, INIT_CWD: cwd, ...options.env },
  }) as SpawnSyncReturns<string>;
}
