import { fieldIssues, policyDocument } from '@dlp/shared';
import { translate } from '../../../i18n/language';
import { issueText } from './issue-text';

describe('issueText', () => {
  it('gives the schema’s messages in Chinese, and generic ones by their code, never in English', () => {
    const parsed = policyDocument.safeParse({
      schema: 'dlp.policy/v1',
      name: 'P',
      mode: 'enforce',
      apps: { rules: [{ id: 'r1', action: 'block', kind: 'path', value: 'tools\\x.exe' }] },
      usb: { rules: [{ id: 'r1', action: 'allow', match: { vendorId: '07X1' } }] },
    });
    expect(parsed.success).toBe(false);
    const zh = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('zh-CN', key, params);
    const texts = parsed.success ? [] : fieldIssues(parsed.error).map((issue) => issueText(issue.message, zh));
    expect(texts).toEqual(['请填写绝对路径或通配模式：/…（Linux、macOS）或 C:\\…（Windows）。', '须为 4 位小写十六进制数字，例如 0781。', '此规则 ID 已被使用（apps.rules.0）。']);
    // Generic problems by their zod code and values, so no English reaches the Chinese form.
    expect(issueText({ message: 'Too big: expected number to be <=5000', code: 'too_big', params: { origin: 'number', maximum: 5000, inclusive: true } }, zh)).toBe('不能大于 5000');
    expect(issueText('Too big: expected number to be <=5000', zh)).toBe('无效');
  });
});
