import { h } from '../dom.js';
import { t } from '../i18n.js';

/** Shows `content` in a dialog over the page; returns a function that closes it. */
export function openModal(content: HTMLElement, testId = 'modal'): () => void {
  const backdrop = h('div', { class: 'backdrop', 'data-testid': testId });
  const close = (): void => backdrop.remove();
  backdrop.append(
    h(
      'div',
      { class: 'modal' },
      h('button', { class: 'close', 'aria-label': t('modal.close'), onclick: close }, '×'),
      content,
    ),
  );
  backdrop.addEventListener('click', (e) => {
    if (e.target === backdrop) close();
  });
  document.body.append(backdrop);
  return close;
}
