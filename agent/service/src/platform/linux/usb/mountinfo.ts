import type { MountEntry } from '../../../enforce/usb/usb-types';

/**
 * Parses /proc/self/mountinfo (proc(5)):
 * `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`.
 * Lines that do not parse are skipped: one odd line must not blind the mount guard to the rest.
 */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const entry = parseLine(line);
    if (entry) out.push(entry);
  }
  return out;
}

function parseLine(line: string): MountEntry | null {
  const fields = line.split(' ');
  const separator = fields.indexOf('-', 6);
  if (fields.length < 10 || separator < 0) return null;
  const [id, , majMin, , target, mountOptions] = fields;
  const fsType = fields[separator + 1];
  const source = fields[separator + 2];
  const superOptions = fields[separator + 3] ?? '';
  if (!id || !majMin || !target || !mountOptions || !fsType || source === undefined) return null;
  const mountId = Number(id);
  if (!Number.isInteger(mountId) || !/^\d+:\d+$/.test(majMin)) return null;
  return {
    mountId,
    majMin,
    target: unescapeOctal(target),
    fsType: unescapeOctal(fsType),
    source: unescapeOctal(source),
    readOnly: hasOption(mountOptions, 'ro') || hasOption(superOptions, 'ro'),
  };
}

function hasOption(options: string, name: string): boolean {
  return options.split(',').includes(name);
}

/** The kernel writes space, tab, newline and backslash as `\040`, `\011`, `\012`, `\134`. */
export function unescapeOctal(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
