import { reportOptionsFromEnv } from './report-config';

describe('scheduled-report settings from the environment', () => {
  it('reads SMTP settings with safe defaults', () => {
    expect(reportOptionsFromEnv({})).toEqual({});
    expect(reportOptionsFromEnv({ DLP_SMTP_HOST: 'mail.example.test', DLP_SMTP_FROM: 'dlp@example.test', DLP_SMTP_USER: 'u', DLP_SMTP_PASSWORD: 'p', DLP_REPORTS_DIR: '/srv/reports' })).toEqual({
      folderRoot: '/srv/reports',
      smtp: { host: 'mail.example.test', port: 587, secure: false, startTls: 'required', from: 'dlp@example.test', user: 'u', password: 'p' },
    });
  });

  it('names the variable that is wrong, never the password', () => {
    expect(() => reportOptionsFromEnv({ DLP_SMTP_HOST: 'h', DLP_SMTP_FROM: 'a@b.c', DLP_SMTP_PORT: '99999', DLP_SMTP_PASSWORD: 'hunter2' })).toThrow(/DLP_SMTP_PORT/);
    expect(() => reportOptionsFromEnv({ DLP_SMTP_HOST: 'h', DLP_SMTP_PASSWORD: 'hunter2' })).toThrow(/DLP_SMTP_FROM is required/);
    try {
      reportOptionsFromEnv({ DLP_SMTP_HOST: 'h', DLP_SMTP_STARTTLS: 'maybe', DLP_SMTP_PASSWORD: 'hunter2' });
    } catch (err) {
      expect(String(err)).not.toContain('hunter2');
    }
  });
});
