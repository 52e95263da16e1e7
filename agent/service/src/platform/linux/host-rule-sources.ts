import type { AppRule, AppsSection } from '@dlp/shared';
import { captureToolContentRules, type ContentHashCache } from './capture-tool-content';
import { hostPackageDatabase, type PackageDatabase } from './package-files';
import { resolveProgramNameAliases, withResolvedNameRules } from './program-name-aliases';

/**
 * What a Linux host adds to a policy's app rules when it is applied (issue 12 items 5 and 6): the
 * names the standard program folders link a name rule to, and the sha256 of the capture tools its
 * packages install. Both change when packages change; `packagesChanged` tells the owner to re-apply.
 */
export class HostRuleSources {
  private readonly db: PackageDatabase;
  private readonly hashes: ContentHashCache = new Map();
  private lastStamp: string | null = null;
  /** Kept until packages change, so re-applying rules (a new exception) does no file system work. */
  private content: AppRule[] | null = null;
  private readonly aliases = new Map<string, readonly string[]>();

  constructor(
    private readonly root: string,
    db?: PackageDatabase,
  ) {
    this.db = db ?? hostPackageDatabase(root);
  }

  /** Name rules followed by the names their program-folder symlinks resolve to. */
  resolveNames(apps: AppsSection): Promise<AppsSection> {
    return withResolvedNameRules(apps, this.root, async (name) => {
      let found = this.aliases.get(name);
      if (found === undefined) {
        found = await resolveProgramNameAliases(name, this.root);
        if (this.aliases.size >= 10_000) this.aliases.clear();
        this.aliases.set(name, found);
      }
      return found;
    });
  }

  /** sha256 block rules for the catalogue's tools as installed here (by id `screen:<tool>`). */
  async captureToolContent(): Promise<AppRule[]> {
    this.lastStamp ??= await this.db.stamp();
    this.content ??= await captureToolContentRules('linux', this.db, this.root, this.hashes);
    return this.content;
  }

  /** True once after the package database changed since the last call (or since rules were made). */
  async packagesChanged(): Promise<boolean> {
    const stamp = await this.db.stamp();
    if (this.lastStamp === null) {
      this.lastStamp = stamp;
      return false;
    }
    if (stamp === this.lastStamp) return false;
    this.lastStamp = stamp;
    this.content = null;
    this.aliases.clear();
    return true;
  }
}
