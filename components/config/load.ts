import { SECRET_KEYS } from "./schema";

export const NAMESPACE = "servelab";

/** Structured values arrive as JSON text; anything else is passed on as is for the schema to judge. */
function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Keys that hold credentials: never part of the parsed config. */
const SECRETS = new Set<string>(SECRET_KEYS);

/** The servelab:* keys of a flat Pulumi config map, decoded, without the secrets. */
export function servelabValues(all: Record<string, string>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const prefix = `${NAMESPACE}:`;
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    if (!SECRETS.has(name)) raw[name] = decode(value);
  }
  return raw;
}
