/**
 * The `<option>`s of a select over a fixed set of values (a zod enum's `.options`), each labelled
 * by `label` (usually a message key built from the value).
 */
export function EnumOptions<T extends string>({ options, label }: { options: readonly T[]; label(option: T): string }) {
  return options.map((option) => (
    <option key={option} value={option}>
      {label(option)}
    </option>
  ));
}
