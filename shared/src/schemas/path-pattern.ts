/**
 * The platforms an app rule's path pattern can name. A mixed fleet writes one policy for Linux,
 * macOS (`/Applications/…`, both POSIX) and Windows (`C:\Program Files\…`, `C:/…`, or a UNC share
 * `\\server\share\…`); each agent applies the rules of its own kind and skips the others, which
 * could never match one of its executables.
 */
export type PathPatternPlatform = 'posix' | 'windows';

const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/;
const WINDOWS_UNC = /^\\\\[^\\/]+[\\/]/;

/** `posix` or `windows` for an absolute path or glob, null for anything relative or empty. */
export function pathPatternPlatform(value: string): PathPatternPlatform | null {
  if (value.startsWith('/')) return 'posix';
  if (WINDOWS_DRIVE.test(value) || WINDOWS_UNC.test(value)) return 'windows';
  return null;
}
