import { messagesEn, type MessageKey } from './messages-en';
import { messagesZhCn } from './messages-zh-cn';
import { LANGUAGE_STORAGE_KEY, initialLanguage, storeLanguage, translate, type LanguageStore } from './language';

function memoryStore(initial: Record<string, string> = {}): LanguageStore & { data: Record<string, string> } {
  const data = { ...initial };
  return { data, getItem: (key) => data[key] ?? null, setItem: (key, value) => void (data[key] = value) };
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').sort();
}

describe('message catalogues', () => {
  const keys = Object.keys(messagesEn) as MessageKey[];

  it('gives every English text a non-empty Chinese counterpart with the same placeholders', () => {
    expect(Object.keys(messagesZhCn).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect({ key, empty: messagesZhCn[key].trim() === '' }).toEqual({ key, empty: false });
      expect({ key, placeholders: placeholders(messagesZhCn[key]) }).toEqual({ key, placeholders: placeholders(messagesEn[key]) });
    }
  });

  it('actually translates: Chinese texts differ from English except codes and symbols', () => {
    const sameAsEnglish = keys.filter((key) => messagesZhCn[key] === messagesEn[key]);
    // Only texts made of placeholders, product codes and punctuation may be identical.
    expect(sameAsEnglish.sort()).toEqual(['chart.part', 'common.none', 'subject.device.id', 'subject.file.match', 'subject.process.sha']);
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'agents.summary', { total: 3, online: 2 })).toBe('3 enrolled · 2 online');
    expect(translate('zh-CN', 'agents.summary', { total: 3, online: 2 })).toBe('已注册 3 台 · 在线 2 台');
    expect(translate('en', 'agents.summary', { total: 3 })).toBe('3 enrolled · {online} online');
  });
});

describe('initialLanguage', () => {
  it('prefers the stored choice over the browser languages', () => {
    expect(initialLanguage(memoryStore({ [LANGUAGE_STORAGE_KEY]: 'en' }), ['zh-CN'])).toBe('en');
    expect(initialLanguage(memoryStore({ [LANGUAGE_STORAGE_KEY]: 'zh-CN' }), ['en-US'])).toBe('zh-CN');
  });

  it('follows the browser when nothing valid is stored, any Chinese variant picking zh-CN', () => {
    expect(initialLanguage(memoryStore(), ['zh-TW', 'en'])).toBe('zh-CN');
    expect(initialLanguage(memoryStore({ [LANGUAGE_STORAGE_KEY]: 'klingon' }), ['fr-FR', 'en-GB'])).toBe('en');
    expect(initialLanguage(null, ['de-DE'])).toBe('en');
  });

  it('survives storage that throws (blocked by browser settings)', () => {
    const blocked: LanguageStore = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(initialLanguage(blocked, ['zh-CN'])).toBe('zh-CN');
    expect(() => storeLanguage(blocked, 'en')).not.toThrow();
  });

  it('remembers a choice for the next visit', () => {
    const store = memoryStore();
    storeLanguage(store, 'zh-CN');
    expect(initialLanguage(store, ['en-US'])).toBe('zh-CN');
  });
});
