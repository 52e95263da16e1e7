/** Redacted forms of detected values: enough to recognise a record, never enough to use it. */

function stars(n: number): string {
  return '*'.repeat(Math.max(0, n));
}

/** `110105********1234` (18 digits), `110105*****1234` (15). */
export function redactResidentId(id: string): string {
  return id.slice(0, 6) + stars(id.length - 10) + id.slice(-4);
}

/** `138****5678`. */
export function redactMobile(mobile: string): string {
  return mobile.slice(0, 3) + '****' + mobile.slice(-4);
}

/** `6222 **** **** 1234` whatever the length, so the length is not disclosed either. */
export function redactBankCard(digits: string): string {
  return `${digits.slice(0, 4)} **** **** ${digits.slice(-4)}`;
}

/** `91350100********43`: registration type and region stay, the organisation code does not. */
export function redactUscc(code: string): string {
  return code.slice(0, 8) + stars(8) + code.slice(-2);
}

/** `z***@example.com`. */
export function redactEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.charAt(0)}***${email.slice(at)}`.slice(0, 64);
}

/** Two characters at each end, stars between (at most 64 characters); short values are all stars. */
export function redactGeneric(value: string): string {
  if (value.length <= 6) return stars(value.length);
  const middle = Math.min(value.length - 4, 60);
  return value.slice(0, 2) + stars(middle) + value.slice(-2);
}
