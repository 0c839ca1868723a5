const UNITS: Record<string, number> = {
  "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50,
};

export const QUANTITY_PATTERN = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;

/** Bytes in a Kubernetes memory/storage quantity such as "150Gi" or "150G"; undefined if malformed. */
export function quantityBytes(quantity: string): number | undefined {
  const m = QUANTITY_PATTERN.exec(quantity.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNITS[m[2] ?? ""];
}

/** Decimal gigabytes (10^9 bytes), the unit GCE uses for machine memory. */
export function quantityGb(quantity: string): number {
  const bytes = quantityBytes(quantity);
  if (bytes === undefined) throw new Error(`not a Kubernetes quantity: ${quantity}`);
  return bytes / 1e9;
}

/** A whole number of GiB as a Kubernetes quantity, rounded down. */
export function gibQuantity(gb: number): string {
  return `${Math.max(1, Math.floor((gb * 1e9) / 2 ** 30))}Gi`;
}
