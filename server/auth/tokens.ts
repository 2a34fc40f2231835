/**
 * JWT (HS256) for the socket handshake and HTTP bearer auth. Claims: sub (user id), name,
 * role (user | host | admin), exp, and optionally `minor: true` for a user under 18 (the
 * minors' curfew, domain/curfew.ts; any other value of `minor` is refused). Anything else about a token is refused: other algorithms,
 * missing or wrong-typed claims, expired tokens.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { displayNameSchema, idSchema, roleSchema, type Role } from '@red-packet/sdk/schemas';
import { GameError } from '../domain/errors.js';
import { signHs256, verifyHs256 } from './hs256.js';

export interface Identity {
  userId: string;
  name: string;
  role: Role;
  /** The token's `minor: true` claim: the minors' curfew applies. */
  minor?: boolean;
  /**
   * When the user signed in, ms epoch: the token's `auth_time` claim, else its `iat`
   * (absent when the token carries neither). Step-up verification compares it with now.
   */
  authTime?: number;
}

export class TokenService {
  /** The secret prepared once for node:crypto (verification runs per handshake). */
  private readonly key: KeyObject;

  constructor(
    secret: string,
    /** Seconds since the epoch (injectable for tests). */
    private readonly nowSec: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /**
   * Signs a token for `identity`, valid for `ttlSec` seconds from `issuedAtSec` (default now;
   * an earlier one makes a token from an older sign-in, for step-up tests and tools).
   */
  sign(identity: Identity, ttlSec = 86_400, issuedAtSec?: number): Promise<string> {
    const iat = issuedAtSec ?? this.nowSec();
    const claims = {
      name: identity.name,
      role: identity.role,
      ...(identity.minor ? { minor: true } : {}),
      sub: identity.userId,
      iat,
      exp: iat + ttlSec,
    };
    return Promise.resolve(signHs256(claims, this.key));
  }

  /** Verifies a token; throws GameError UNAUTHORIZED on anything wrong with it. */
  verify(token: unknown): Promise<Identity> {
    return new Promise((resolve) => resolve(this.verifySync(token)));
  }

  /** verify(), synchronously (auth/hs256.ts has what a valid token is). */
  verifySync(token: unknown): Identity {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw new GameError('UNAUTHORIZED', 'missing token');
    }
    const payload = verifyHs256(token, this.key, this.nowSec());
    if (!payload) throw new GameError('UNAUTHORIZED', 'invalid or expired token');
    const userId = idSchema.safeParse(payload.sub);
    const name = displayNameSchema.safeParse(payload.name);
    const role = roleSchema.safeParse(payload.role);
    const minor = payload.minor;
    if (
      !userId.success ||
      !name.success ||
      !role.success ||
      (minor !== undefined && typeof minor !== 'boolean')
    ) {
      throw new GameError('UNAUTHORIZED', 'token claims are malformed');
    }
    const signedIn = typeof payload.auth_time === 'number' ? payload.auth_time : payload.iat;
    return {
      userId: userId.data,
      name: name.data,
      role: role.data,
      ...(minor ? { minor: true } : {}),
      ...(typeof signedIn === 'number' && Number.isFinite(signedIn) ? { authTime: signedIn * 1000 } : {}),
    };
  }

  /** Verifies an `Authorization: Bearer …` header value. */
  verifyBearer(header: string | undefined): Promise<Identity> {
    const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!m) return Promise.reject(new GameError('UNAUTHORIZED', 'expected Authorization: Bearer <token>'));
    return this.verify(m[1]);
  }
}
