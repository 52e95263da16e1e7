import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { captureToolsFor, packagesOf, type AppRule, type CaptureToolOs } from '@dlp/shared';
import type { PackageDatabase } from './package-files';

/** Larger files are not hashed: no capture tool is this big, and hashing must stay cheap. */
const MAX_HASHED_BYTES = 256 * 1024 * 1024;

/** sha256 by (path, size, mtime, inode): a package upgrade changes one of them. */
export type ContentHashCache = Map<string, string>;

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * `block` sha256 rules for the executables the host's packages install for each catalogue tool
 * (issue 12 item 6): only files whose name is one of the tool's executables, regular and
 * executable, so a package shipping other programs (mate-utils, ImageMagick) blocks only the tool.
 * Rules carry the tool's id, so a renamed copy is reported as that tool. Never throws.
 */
export async function captureToolContentRules(os: CaptureToolOs, db: PackageDatabase, root: string, cache: ContentHashCache = new Map()): Promise<AppRule[]> {
  const rules: AppRule[] = [];
  const seen = new Set<string>();
  for (const tool of captureToolsFor(os)) {
    const executables = new Set(tool.executables);
    for (const pkg of packagesOf(tool)) {
      const files = await db.filesOf(pkg).catch(() => null);
      for (const file of files ?? []) {
        if (!executables.has(path.posix.basename(file))) continue;
        const onHost = path.join(root, file);
        try {
          const info = await lstat(onHost);
          if (!info.isFile() || (info.mode & 0o111) === 0 || info.size > MAX_HASHED_BYTES) continue;
          const key = `${onHost}\u0000${info.size}\u0000${info.mtimeMs}\u0000${info.ino}`;
          const sha256 = cache.get(key) ?? (await sha256OfFile(onHost));
          cache.set(key, sha256);
          if (seen.has(sha256)) continue;
          seen.add(sha256);
          rules.push({ id: tool.id, action: 'block', kind: 'sha256', value: sha256, description: `${tool.name} (${tool.kind}): content of ${file.slice(0, 200)} from package ${pkg}` });
        } catch {
          // Listed but missing or unreadable: nothing to hash.
        }
      }
    }
  }
  return rules;
}
