/**
 * The page's two languages: Simplified Chinese and English, one dictionary each
 * (locales/*.ts). The language comes from a saved choice, else the browser's languages
 * (any `zh…` → Chinese), else English. `t(key, values)` fills `{name}` placeholders.
 */
import type { ClientOnlyCode, ErrorCode } from '@red-packet/sdk';
import { en, enErrors, type MessageKey } from './locales/en.js';
import { zhCN, zhCNErrors } from './locales/zh-CN.js';

export type Locale = 'zh-CN' | 'en';
export type { MessageKey };

const DICTIONARIES: Record<Locale, { text: Record<MessageKey, string>; errors: typeof enErrors }> = {
  en: { text: en, errors: enErrors },
  'zh-CN': { text: zhCN, errors: zhCNErrors },
};

const STORAGE_KEY = 'redpacket.lang';

/** The language for these preferences: a saved choice wins, then the browser's order. */
export function pickLocale(saved: string | null, languages: readonly string[]): Locale {
  if (saved === 'en' || saved === 'zh-CN') return saved;
  for (const lang of languages) {
    const l = lang.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'en';
}

function detect(): Locale {
  if (typeof navigator === 'undefined') return 'en';
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage blocked: follow the browser
  }
  return pickLocale(saved, navigator.languages.length > 0 ? navigator.languages : [navigator.language]);
}

let current: Locale = detect();

export const locale = (): Locale => current;

/** Switches language and remembers it (the caller re-renders, e.g. by reloading). */
export function setLocale(next: Locale): void {
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not remembered; still switched for this page
  }
}

export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  const text = DICTIONARIES[current].text[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** What a person reads for an error code, in the current language. */
export const errorText = (code: ErrorCode | ClientOnlyCode): string => DICTIONARIES[current].errors[code];
