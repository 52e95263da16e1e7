import type { ScanProgress } from '@dlp/shared';
import { ProgressLine, renderScannedFile, renderSummary } from './scan-render';
import { humanBytes, scanText } from './scan-text';

const progress = (over: Partial<ScanProgress> = {}): ScanProgress => ({
  phase: 'scanning',
  filesFound: 200,
  filesDone: 50,
  bytesFound: 12_345_678,
  bytesDone: 1_500_000,
  filesFlagged: 2,
  filesBelowThreshold: 1,
  filesUnreadable: 0,
  skipped: { symlinks: 0, denied: 3, special: 0, excluded: 0 },
  fileLimitReached: false,
  ...over,
});

describe('what `dlp-agent scan` prints', () => {
  it('redraws one progress line in place on a terminal, at most ten times a second, and clears it before other output', () => {
    let now = 1000;
    const written: string[] = [];
    const line = new ProgressLine((chunk) => void written.push(chunk), true, scanText('en'), () => now);
    line.update(progress({ phase: 'counting', filesFound: 10 }));
    line.update(progress());
    now += 50;
    line.update(progress({ filesDone: 60 }));
    now += 60;
    line.update(progress({ filesDone: 70 }));
    line.clear();
    line.clear();
    expect(written).toEqual([
      '\r\x1b[KCounting files… 10',
      '\r\x1b[KScanned 50/200 files (1.5 MB/12 MB), 2 with customer data',
      '\r\x1b[KScanned 70/200 files (1.5 MB/12 MB), 2 with customer data',
      '\r\x1b[K',
    ]);
  });

  it('writes plain lines when the phase changes elsewhere (a pipe, a log)', () => {
    const written: string[] = [];
    const line = new ProgressLine((chunk) => void written.push(chunk), false, scanText('zh-CN'));
    line.update(progress({ phase: 'counting', filesFound: 0 }));
    line.update(progress({ phase: 'counting', filesFound: 90 }));
    line.update(progress());
    line.update(progress({ filesDone: 51 }));
    line.clear();
    expect(written).toEqual(['正在统计文件… 0\n', '正在扫描 200 个文件（12 MB）…\n']);
  });

  it('shows a file with counts per detector and its redacted samples, and the summary, in both languages', () => {
    const file = { path: '/home/z/客户.csv', size: 2048, verdict: 'bulk' as const, matches: { 'cn-resident-id': 20, 'cn-mobile': 3 }, samples: ['110105********1234', '138****5678'], unreadable: 'limit-exceeded:max-bytes' };
    expect(renderScannedFile(file, scanText('zh-CN'))).toEqual(['[含客户数据] /home/z/客户.csv (2.0 kB)', '    身份证号: 20 个不同值', '    手机号: 3 个不同值', '    110105********1234  138****5678', '    未能完整读取: 文件过大，只检查了前一部分']);
    const criteria = { detectors: ['cn-resident-id' as const], minDistinct: 10, policySerial: 3 };
    expect(renderSummary(progress({ fileLimitReached: true, filesFound: 100_000 }), criteria, scanText('en'))).toEqual([
      'Done: 50 files scanned (1.5 MB); 2 with customer data, 1 with some personal data, 0 not read in full.',
      'Skipped: 3 you may not read.',
      'Stopped counting at 100000 files: the rest of the folder was not scanned.',
      "Looked for: resident ID. Customer data: at least 10 different values of one kind in a file (the policy's threshold).",
    ]);
    expect([humanBytes(999), humanBytes(1000), humanBytes(45_600_000), humanBytes(3e12)]).toEqual(['999 B', '1.0 kB', '46 MB', '3.0 TB']);
  });
});
