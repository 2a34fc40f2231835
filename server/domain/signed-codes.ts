/**
 * Signed codes: what a QR code or a receive code (收款码) carries. A code names a packet and a
 * time window (rotating), a packet and an expiry (static, for print), or a user and the
 * version of their receive code. It is signed with HMAC-SHA256 under a server secret, so a
 * forged, altered or truncated code is refused here, in memory, before any store call.
 *
 *   P~<packetId>~<window, base 36>~<tag>      rotating: window = floor(now / rotateMs)
 *   S~<packetId>~<expiresAt, base 36>~<tag>   static
 *   R~<userId>~<version, base 36>~<tag>        receive code
 *
 * `~` never occurs in ids (shared/schemas.ts idSchema), so the fields split unambiguously;
 * `tag` is the first 128 bits of the HMAC over everything before it, base64url.
 * A rotating code is accepted in its own window and the next (so one scanned just before a
 * rotation still works), never later: a screenshot forwarded a minute on is refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { GameError } from './errors.js';

export type ParsedCode =
  | { kind: 'rotating'; packetId: string; window: number }
  | { kind: 'static'; packetId: string; expiresAt: number }
  | { kind: 'receive'; userId: string; version: number };

const TAG_BYTES = 16;
const SEP = '~';
const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const NUM = /^[0-9a-z]{1,12}$/;

const invalid = (): GameError => new GameError('CODE_INVALID', 'this code is not valid');

export class CodeSigner {
  private readonly key: Buffer;

  /**
   * @param secret HMAC key material (config CODE_SECRET, or derived from the JWT secret)
   * @param rotateMs length of a rotating code's window (config CODE_ROTATE_MS)
   */
  constructor(
    secret: string,
    readonly rotateMs: number,
  ) {
    this.key = Buffer.from(secret, 'utf8');
  }

  /** The window `now` falls in. */
  windowAt(now: number): number {
    return Math.floor(now / this.rotateMs);
  }

  /** The packet's code for the window `now` falls in, and when that window ends. */
  rotating(packetId: string, now: number): { code: string; windowEndsAt: number } {
    const window = this.windowAt(now);
    return {
      code: this.sign(['P', packetId, window.toString(36)]),
      windowEndsAt: (window + 1) * this.rotateMs,
    };
  }

  /** A code for the packet valid until `expiresAt` (ms epoch), whatever the window. */
  static(packetId: string, expiresAt: number): string {
    return this.sign(['S', packetId, expiresAt.toString(36)]);
  }

  /** Version `version` of `userId`'s receive code. */
  receive(userId: string, version: number): string {
    return this.sign(['R', userId, version.toString(36)]);
  }

  /**
   * Checks a code's signature and time. Throws CODE_INVALID for anything not signed by this
   * secret (or malformed), CODE_EXPIRED for a genuine rotating code from before the previous
   * window or a static code at or after its expiry. Receive codes are only checked for
   * signature here: their revocation needs the owner's current version (the store).
   */
  verify(code: string, now: number): ParsedCode {
    const parts = code.split(SEP);
    if (parts.length !== 4) throw invalid();
    const [kind, id, num, tag] = parts as [string, string, string, string];
    if (!ID.test(id) || !NUM.test(num)) throw invalid();
    const given = Buffer.from(tag, 'base64url');
    if (given.length !== TAG_BYTES || given.toString('base64url') !== tag) throw invalid();
    if (!timingSafeEqual(given, this.tag([kind, id, num]))) throw invalid();
    const value = parseInt(num, 36);
    if (!Number.isSafeInteger(value)) throw invalid();
    switch (kind) {
      case 'P': {
        const current = this.windowAt(now);
        // One window of slack ahead covers nodes whose clocks differ by a little.
        if (value > current + 1) throw invalid();
        if (value < current - 1)
          throw new GameError('CODE_EXPIRED', 'this code has rotated: scan the current one');
        return { kind: 'rotating', packetId: id, window: value };
      }
      case 'S':
        if (now >= value) throw new GameError('CODE_EXPIRED', 'this code has expired');
        return { kind: 'static', packetId: id, expiresAt: value };
      case 'R':
        return { kind: 'receive', userId: id, version: value };
      default:
        throw invalid();
    }
  }

  private tag(fields: string[]): Buffer {
    return createHmac('sha256', this.key).update(fields.join(SEP)).digest().subarray(0, TAG_BYTES);
  }

  private sign(fields: string[]): string {
    return [...fields, this.tag(fields).toString('base64url')].join(SEP);
  }
}

/** The short page paths codes open in the web page. */
export const packetCodePath = (code: string): string => `/c/${code}`;
export const receiveCodePath = (code: string): string => `/r/${code}`;

/** True for a short code page path (served the web page). */
export const isCodePagePath = (path: string): boolean => /^\/[cr]\/[A-Za-z0-9_.:~-]+$/.test(path);
