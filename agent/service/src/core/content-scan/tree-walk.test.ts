import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir } from '../../testing/fixtures';
import { walkTree } from './tree-walk';

describe('the walk of an on-demand scan', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('tree-walk'));
  });
  afterEach(() => cleanup());

  it('lists regular files in name order, never follows a symbolic link, skips FIFOs and excluded folders', async () => {
    const tree = path.join(dir, 'tree');
    const outside = path.join(dir, 'outside');
    await mkdir(path.join(tree, 'b/deeper'), { recursive: true });
    await mkdir(path.join(tree, 'excluded'), { recursive: true });
    await mkdir(outside);
    await writeFile(path.join(outside, 'secret.csv'), 'x'.repeat(50));
    await writeFile(path.join(tree, 'a.txt'), 'aaa');
    await writeFile(path.join(tree, 'b/deeper/c.txt'), 'cccc');
    await writeFile(path.join(tree, 'excluded/d.txt'), 'd');
    await symlink(path.join(outside, 'secret.csv'), path.join(tree, 'file-link'));
    await symlink(outside, path.join(tree, 'folder-link'));
    await symlink(path.join(tree, 'a.txt'), path.join(tree, 'inner-link'));
    execFileSync('mkfifo', [path.join(tree, 'pipe')]);

    const walked = await walkTree(tree, { maxFiles: 100, excluded: [path.join(tree, 'excluded')] });
    expect(walked.files).toEqual([
      { path: path.join(tree, 'a.txt'), size: 3 },
      { path: path.join(tree, 'b/deeper/c.txt'), size: 4 },
    ]);
    expect(walked).toMatchObject({ bytes: 7, fileLimitReached: false, skipped: { symlinks: 3, special: 1, excluded: 1, denied: 0 } });
  });

  it('stops at the file limit and says so', async () => {
    for (let i = 0; i < 5; i++) await writeFile(path.join(dir, `f${i}.txt`), 'x');
    const walked = await walkTree(dir, { maxFiles: 3, excluded: [] });
    expect(walked.files.map((f) => path.basename(f.path))).toEqual(['f0.txt', 'f1.txt', 'f2.txt']);
    expect(walked.fileLimitReached).toBe(true);
    expect((await walkTree(dir, { maxFiles: 5, excluded: [] })).fileLimitReached).toBe(false);
  });
});
