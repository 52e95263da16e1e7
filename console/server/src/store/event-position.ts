/** Keyset position: newest-first order is (occurredAtMs DESC, rowId DESC). */
export interface EventSearchPosition {
  occurredAtMs: number;
  rowId: number;
}
