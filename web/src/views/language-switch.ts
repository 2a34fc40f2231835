import { h } from '../dom.js';
import { locale, setLocale, t } from '../i18n.js';

/** 中文 ⇄ EN in the corner; switching remembers the choice and redraws the page. */
export function languageSwitch(): HTMLElement {
  return h(
    'button',
    {
      class: 'lang-switch',
      type: 'button',
      title: t('lang.switchTitle'),
      'data-testid': 'lang-switch',
      onclick: () => {
        setLocale(locale() === 'en' ? 'zh-CN' : 'en');
        location.reload(); // the session is saved: the page comes back signed in
      },
    },
    t('lang.switch'),
  );
}
