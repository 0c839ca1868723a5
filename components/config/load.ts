export const NAMESPACE = "servelab";

/** Structured values arrive as JSON text; anything else is passed on as is for the schema to judge. */
function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The servelab:* keys of a flat Pulumi config map, decoded, without the secret token. */
export function servelabValues(all: Record<string, string>): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const prefix = `${NAMESPACE}:`;
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    if (name !== "hfToken") raw[name] = decode(value);
  }
  return raw;
}
