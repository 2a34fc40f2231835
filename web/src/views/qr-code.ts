/**
 * QR codes on the page, drawn by the `qrcode` library: a packet's live rotating code (with a
 * countdown to the next one) and any fixed link (a receive code, a printed static code).
 */
import QRCode from 'qrcode';
import type { PacketCodeView } from '@red-packet/sdk';
import { h, mount } from '../dom.js';
import { describeError } from '../messages.js';
import type { Session } from '../session.js';
import { openModal } from './modal.js';

/** A canvas showing `text` as a QR code. */
export async function qrCanvas(text: string, testId = 'qr'): Promise<HTMLCanvasElement> {
  const canvas = h('canvas', { class: 'qr', 'data-testid': testId });
  await QRCode.toCanvas(canvas, text, { width: 260, margin: 2, errorCorrectionLevel: 'M' });
  return canvas;
}

/** The full URL of a code's short page on this server. */
export const codeUrl = (path: string): string => `${location.origin}${path}`;

/**
 * The sender's view of a code packet: its QR, redrawn each time the code rotates, a countdown
 * to the rotation, and a printable static code on request.
 */
export function openPacketQr(session: Session, packetId: string): void {
  const frame = h('div', { class: 'qr-frame' });
  const countdown = h('div', { class: 'muted', 'data-testid': 'qr-countdown' });
  const link = h('a', { class: 'qr-link', 'data-testid': 'qr-link', target: '_blank' });
  const error = h('p', { class: 'error' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  const show = async (view: PacketCodeView): Promise<void> => {
    const url = codeUrl(view.path);
    mount(frame, await qrCanvas(url, 'qr-canvas'));
    link.href = url;
    link.textContent = url;
  };

  const rotate = async (): Promise<void> => {
    // The modal was closed: stop rotating.
    if (closed || (!frame.isConnected && timer !== undefined)) {
      clearInterval(ticker);
      return;
    }
    try {
      const view = await session.http.packetCode(packetId);
      await show(view);
      // Server time, so a phone with a wrong clock still turns over with the server.
      const endsAt = Date.now() + (view.expiresAt - view.serverTime);
      clearInterval(ticker);
      const tick = (): void => {
        countdown.textContent = `New code in ${Math.max(0, Math.ceil((endsAt - Date.now()) / 1000))}s`;
      };
      tick();
      ticker = setInterval(tick, 250);
      timer = setTimeout(() => void rotate(), Math.max(250, endsAt - Date.now() + 50));
    } catch (err) {
      clearInterval(ticker);
      countdown.textContent = '';
      error.textContent = describeError(err);
    }
  };

  const printStatic = async (): Promise<void> => {
    try {
      const view = await session.http.staticCode(packetId);
      closed = true;
      clearTimeout(timer);
      clearInterval(ticker);
      await show(view);
      countdown.textContent = `Printable code, valid until ${new Date(view.expiresAt).toLocaleString()}`;
    } catch (err) {
      error.textContent = describeError(err);
    }
  };

  openModal(
    h(
      'div',
      { class: 'qr-view' },
      h('h2', {}, 'Scan to grab'),
      h('p', { class: 'muted' }, 'Anyone who scans this can open the packet — no need to join the room.'),
      frame,
      countdown,
      link,
      h('button', { class: 'link', onclick: () => void printStatic() }, 'Show a printable (static) code'),
      error,
    ),
    'packet-qr',
  );
  void rotate();
}
