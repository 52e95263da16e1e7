import { parseWatchedPaths, placeOf, watchBases } from './watched-paths';

describe('watched folder patterns', () => {
  it('watches a plain folder from itself and a pattern from its deepest fixed folder', () => {
    const { folders, refused } = parseWatchedPaths(['/srv/outbound/', '/home/*/Sync', '/data/team-?/out']);
    expect(refused).toEqual([]);
    expect(folders.map((f) => [f.base, f.segments.length])).toEqual([['/srv/outbound', 0], ['/home', 2], ['/data', 2]]);
  });

  it('refuses `**`, the root and kernel filesystems, keeping the rest', () => {
    const { folders, refused } = parseWatchedPaths(['/home/**/Sync', '/', '/*/Sync', '/proc/1', '/sys', '/srv/ok']);
    expect(refused.map((r) => r.pattern)).toEqual(['/home/**/Sync', '/', '/*/Sync', '/proc/1', '/sys']);
    expect(folders.map((f) => f.base)).toEqual(['/srv/ok']);
  });

  it('hands the watcher each base once, none inside another', () => {
    const { folders } = parseWatchedPaths(['/home/alice/Sync', '/home/*/Sync', '/srv/a', '/srv/ab']);
    expect(watchBases(folders)).toEqual(['/home', '/srv/a', '/srv/ab']);
  });

  it('places files inside a watched folder, folders on the way to one, and the rest outside', () => {
    const { folders } = parseWatchedPaths(['/home/*/Sync', '/srv/outbound']);
    expect(placeOf(folders, '/home/alice/Sync/a.csv')).toBe('inside');
    expect(placeOf(folders, '/home/alice/Sync/deep/er/a.csv')).toBe('inside');
    expect(placeOf(folders, '/srv/outbound/x.csv')).toBe('inside');
    expect(placeOf(folders, '/home/alice/Sync')).toBe('on-the-way');
    expect(placeOf(folders, '/home/alice')).toBe('on-the-way');
    expect(placeOf(folders, '/home')).toBe('on-the-way');
    expect(placeOf(folders, '/srv')).toBe('on-the-way'); // watched while /srv/outbound does not exist
    expect(placeOf(folders, '/srv/other')).toBe('outside');
    expect(placeOf(folders, '/home/alice/Documents/a.csv')).toBe('outside');
    expect(placeOf(folders, '/srv/outbound-2/x.csv')).toBe('outside');
    expect(placeOf(folders, '/etc/passwd')).toBe('outside');
  });
});
