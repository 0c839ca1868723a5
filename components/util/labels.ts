/** Labels every object servelab declares carries (app.kubernetes.io/* plus the experiment). */
export function standardLabels(experiment: string, component: string, name: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "servelab",
    "app.kubernetes.io/managed-by": "pulumi",
    "servelab.dev/experiment": labelValue(experiment),
  };
}

/** A valid label value (at most 63 characters of [A-Za-z0-9_.-], alphanumeric at both ends). */
export function labelValue(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

/** A DNS-1123 label for namespaces and object names derived from stack names ("k8s_stack" -> "k8s-stack"). */
export function dnsName(text: string, max = 63): string {
  return text.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-").slice(0, max).replace(/^-+|-+$/g, "");
}
