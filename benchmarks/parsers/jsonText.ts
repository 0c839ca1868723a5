/**
 * JSON as Python's json.dump writes it (bare NaN / Infinity allowed), with errors that name the line.
 * NaN becomes null (a statistic that does not exist), Infinity the string "inf" (vLLM's spelling of an unbounded rate).
 */
import { ParseError } from "./record";

const PYTHON_LITERALS = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g;

function withoutPythonLiterals(text: string): string {
  return text.replace(PYTHON_LITERALS, (m) => (m.startsWith('"') ? m : m === "NaN" ? "null" : m.startsWith("-") ? '"-inf"' : '"inf"'));
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Offset of the first syntax error in `text` (text.length when it ends too early), or -1 when it is valid JSON. */
export function locateJsonError(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i++] !== ":") (i--, fail());
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return void i++;
        else fail();
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return void i++;
        else fail();
      }
    }
    if (c === '"') return string();
    const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!literal) fail();
    i += literal![0].length;
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    if (i >= text.length) fail();
    i++;
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (at) {
    return Math.min(at as number, text.length);
  }
}

export function parseJsonText(text: string, source: string): unknown {
  const clean = withoutPythonLiterals(text.replace(/^\uFEFF/, ""));
  try {
    return JSON.parse(clean);
  } catch {
    const at = locateJsonError(clean);
    const where = at < 0 ? null : lineAt(clean, at);
    const what = at >= clean.trimEnd().length ? "the JSON ends early (truncated file?)" : "invalid JSON";
    throw new ParseError(source, where, what);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
