/**
 * Who is signed in (kept in localStorage so a reload keeps one's place), the connected SDK
 * client, and the wallet balance.
 */
import { RedPacketClient, RedPacketHttp } from '@red-packet/sdk';
import { api, type PageRole } from './api.js';

const STORAGE_KEY = 'redpacket.session';

export interface Saved {
  userId: string;
  name: string;
  role: PageRole;
  token: string;
  roomId: string;
}

export class Session {
  balance = 0;
  /** The HTTP routes (codes, receive codes) as this user. */
  readonly http: RedPacketHttp;
  private balanceListeners = new Set<(balance: number) => void>();

  private constructor(
    readonly saved: Saved,
    readonly client: RedPacketClient,
  ) {
    client.on('wallet:updated', ({ balance }) => this.setBalance(balance));
    this.http = new RedPacketHttp({ url: '', token: saved.token });
  }

  static load(): Saved | null {
    try {
      const raw = localStorage.getItem(STORAGE_KEY);
      return raw ? (JSON.parse(raw) as Saved) : null;
    } catch {
      return null;
    }
  }

  static forget(): void {
    localStorage.removeItem(STORAGE_KEY);
  }

  /** Signs in with a dev token (dev mode) and connects. */
  static async signIn(name: string, role: PageRole, roomId: string): Promise<Session> {
    const userId = `${
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'guest'
    }-${Math.random().toString(36).slice(2, 6)}`;
    const token = await api.devToken(userId, name, role);
    return Session.connect({ userId, name, role, token, roomId });
  }

  static async connect(saved: Saved): Promise<Session> {
    const client = new RedPacketClient({
      url: location.origin,
      token: saved.token,
      // Step-up: the demo "signs in again" with a fresh dev token (a real app would prompt).
      onVerificationRequired: () => api.devToken(saved.userId, saved.name, saved.role),
    });
    await client.connect();
    localStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
    const session = new Session(saved, client);
    session.setBalance((await api.me(saved.token)).balance);
    void client.syncTime(5);
    return session;
  }

  get isHost(): boolean {
    return this.saved.role !== 'user';
  }

  onBalance(listener: (balance: number) => void): void {
    this.balanceListeners.add(listener);
    listener(this.balance);
  }

  private setBalance(balance: number): void {
    this.balance = balance;
    for (const l of this.balanceListeners) l(balance);
  }

  /** Dev mode: test money for oneself, minted with an admin dev token. */
  async mintTestMoney(amount: number): Promise<void> {
    const admin = await api.devToken('dev-console', 'Dev console', 'admin');
    this.setBalance((await api.mint(admin, this.saved.userId, amount)).balance);
  }
}
