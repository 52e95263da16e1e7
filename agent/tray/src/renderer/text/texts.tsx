import { createContext, useContext, type ReactNode } from 'react';
import { employeeText, type EmployeeLocale, type EmployeeText } from '@dlp/shared';
import type { PageText } from './page-text';
import { pageTextEn } from './page-text-en';
import { pageTextZhCn } from './page-text-zh-cn';

/** Everything a section needs to speak: the page's own words and the shared sentences for agent answers. */
export interface Texts {
  locale: EmployeeLocale;
  page: PageText;
  agent: EmployeeText;
}

export function textsFor(locale: EmployeeLocale): Texts {
  return { locale, page: locale === 'zh-CN' ? pageTextZhCn : pageTextEn, agent: employeeText(locale) };
}

const TextsContext = createContext<Texts>(textsFor('en'));

export function TextsProvider({ locale, children }: { locale: EmployeeLocale; children: ReactNode }) {
  return <TextsContext.Provider value={textsFor(locale)}>{children}</TextsContext.Provider>;
}

export function useTexts(): Texts {
  return useContext(TextsContext);
}
