/**
 * The repository stands alone: a clone has nothing beside it, so no file may point outside it, and the
 * test data it carries is exactly what tools/derive-test-data.ts derived (test/data/PROVENANCE.md).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DATA_DIR, PROVENANCE_FILE, TEST_DATA_SOURCES } from "./data/sources";
import { VENDOR_DIR, VENDOR_PROVENANCE_FILE, VENDORED_SOURCES } from "../benchmarks/vendor/sources";

const ROOT = resolve(__dirname, "..");
const trackedFiles = () =>
  execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" })
    .split("\0")
    .filter((f) => f && existsSync(join(ROOT, f)));

/** Places only the people building servelab have: the steering folder beside the clone and its documents. */
const OUTSIDE = [/\.\.\/shared\b/, /\bshared\/(upstream|seeds|research)\b/, /\bresearch\/[\w-]+\.md\b/, /\bDESIGN\.md\b/, /\bseeds?\/0\d\d/, /\bseeds? 0\d\d\b/, /\bthe seed\b/i, /\bseed's\b/];

describe("the repository", () => {
  it("has no file that sends a reader outside the clone", () => {
    const offenders: string[] = [];
    for (const file of trackedFiles()) {
      if (file.startsWith("test/data/published/") || file.startsWith("test/data/samples/") || file === "test/repository.test.ts") continue;
      const text = readFileSync(join(ROOT, file));
      if (text.includes(0)) continue;
      text
        .toString("utf8")
        .split("\n")
        .forEach((line, i) => {
          if (OUTSIDE.some((re) => re.test(line))) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });

  it.each([
    ["test data", DATA_DIR, PROVENANCE_FILE, TEST_DATA_SOURCES],
    ["vendored benchmark scripts", VENDOR_DIR, VENDOR_PROVENANCE_FILE, VENDORED_SOURCES],
  ] as const)("carries each file of the %s as derived, with its provenance row", (_set, DATA_DIR, PROVENANCE_FILE, SOURCES) => {
    const provenance = readFileSync(PROVENANCE_FILE, "utf8");
    for (const source of SOURCES) {
      const row = provenance.split("\n").find((l) => l.startsWith(`| ${source.file} |`));
      expect(row, `${source.file} has a PROVENANCE row`).toBeDefined();
      expect(row).toContain(`| ${source.repo} | ${source.commit} | ${source.path} | ${source.licence} |`);
      const sha = createHash("sha256").update(readFileSync(join(DATA_DIR, source.file))).digest("hex");
      expect(row!.trim().endsWith(`| ${sha} |`), `${source.file} is unchanged since it was derived`).toBe(true);
    }
  });
});
