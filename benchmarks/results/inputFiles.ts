/**
 * The files under the report's inputs: folders (walked recursively), single files, and .zip archives read
 * in memory (AIBrix publishes its multi-round-qa CSVs as a zip). macOS resource forks (`__MACOSX/`, `._*`)
 * and hidden files are skipped.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { unzipSync } from "fflate";

export interface InputFile {
  /** Shown in messages: a file path, or `<archive>.zip!/<entry>`. */
  path: string;
  /** The folder the file sits in (files of one folder belong to one run or one published set). */
  dir: string;
  name: string;
  read(): Buffer;
}

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

const SKIPPED_DIRS = new Set(["__MACOSX", "node_modules", ".git"]);

function skipped(segment: string): boolean {
  return SKIPPED_DIRS.has(segment) || segment.startsWith(".");
}

function zipFiles(path: string): InputFile[] {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(readFileSync(path), { filter: (f) => !f.name.endsWith("/") && !f.name.split("/").some(skipped) });
  } catch (err) {
    throw new InputError(`${path}: not a readable zip archive (${(err as Error).message})`);
  }
  return Object.keys(entries)
    .sort()
    .map((entry) => {
      const slash = entry.lastIndexOf("/");
      return {
        path: `${path}!/${entry}`,
        dir: slash >= 0 ? `${path}!/${entry.slice(0, slash)}` : `${path}!`,
        name: entry.slice(slash + 1),
        read: () => Buffer.from(entries[entry]),
      };
    });
}

function fileAt(path: string): InputFile {
  return { path, dir: dirname(path), name: basename(path), read: () => readFileSync(path) };
}

function walk(dir: string, out: InputFile[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (skipped(name)) continue;
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) walk(path, out);
    else if (name.toLowerCase().endsWith(".zip")) out.push(...zipFiles(path));
    else if (stat.isFile()) out.push(fileAt(path));
  }
}

export function listInputFiles(inputs: readonly string[]): InputFile[] {
  const out: InputFile[] = [];
  for (const input of inputs) {
    const path = resolve(input);
    if (!existsSync(path)) throw new InputError(`${input}: no such file or folder`);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (path.toLowerCase().endsWith(".zip")) out.push(...zipFiles(path));
    else out.push(fileAt(path));
  }
  return out;
}
