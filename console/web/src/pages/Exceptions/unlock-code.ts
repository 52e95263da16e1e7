/** A USB vendor or product id as the console wants it: four lowercase hex digits. */
export function normalizeUsbId(value: string): string {
  return value.trim().toLowerCase().replace(/^0x/, '');
}
