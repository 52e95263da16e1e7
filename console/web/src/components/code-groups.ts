/**
 * Splits an unlock or uninstall code into groups of four characters, as employees type it from a phone call or a
 * note (`7K2M-QX4P-…` or `7K2MQX4P…` both give `['7K2M', 'QX4P', …]`).
 */
export function codeGroups(code: string): string[] {
  const plain = code.toUpperCase().replace(/[^0-9A-Z]/g, '');
  const groups: string[] = [];
  for (let index = 0; index < plain.length; index += 4) groups.push(plain.slice(index, index + 4));
  return groups;
}
