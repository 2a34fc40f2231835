/**
 * JWT (HS256) for the socket handshake and HTTP bearer auth. Claims: sub (user id), name,
 * role (user | host | admin), exp, and optionally `minor: true` for a user under 18 (the
 * minors' curfew, domain/curfew.ts; any other value of `minor` is refused). Anything else
 * about a token is refused: other algorithms, missing or wrong-typed claims, expired tokens,
 * a sign-in time (`auth_time`, else `iat`) more than SIGN_IN_LEEWAY_SEC in the future, and —
 * when this service is configured with them (JWT_ISSUER, JWT_AUDIENCE) — another `iss` or an
 * `aud` that does not name this audience.
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
  /** When the token expires (its `exp`), ms epoch: a live socket is asked to renew then. */
  expiresAt?: number;
}

/** Clock skew allowed for a sign-in time ahead of ours; within it the time is taken as now. */
export const SIGN_IN_LEEWAY_SEC = 60;

/** The `iss` and `aud` every token must carry (and every signed token gets), when set. */
export interface TokenScope {
  issuer?: string | undefined;
  audience?: string | undefined;
}

export class TokenService {
  /** The secret prepared once for node:crypto (verification runs per handshake). */
  private readonly key: KeyObject;

  constructor(
    secret: string,
    /** Seconds since the epoch (injectable for tests). */
    private readonly nowSec: () => number = () => Math.floor(Date.now() / 1000),
    private readonly scope: TokenScope = {},
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
      ...(this.scope.issuer !== undefined ? { iss: this.scope.issuer } : {}),
      ...(this.scope.audience !== undefined ? { aud: this.scope.audience } : {}),
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
    const now = this.nowSec();
    const payload = verifyHs256(token, this.key, now);
    if (!payload) throw new GameError('UNAUTHORIZED', 'invalid or expired token');
    const { issuer, audience } = this.scope;
    if (issuer !== undefined && payload.iss !== issuer)
      throw new GameError('UNAUTHORIZED', 'token issuer is not accepted');
    if (audience !== undefined && !namesAudience(payload.aud, audience))
      throw new GameError('UNAUTHORIZED', 'token audience is not accepted');
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
    if (typeof signedIn === 'number' && signedIn > now + SIGN_IN_LEEWAY_SEC)
      throw new GameError('UNAUTHORIZED', 'token sign-in time is in the future');
    return {
      userId: userId.data,
      name: name.data,
      role: role.data,
      ...(minor ? { minor: true } : {}),
      // A sign-in time ahead of ours (within the leeway) counts as now: never later than now.
      ...(typeof signedIn === 'number' && Number.isFinite(signedIn)
        ? { authTime: Math.min(signedIn, now) * 1000 }
        : {}),
      // verifyHs256 only returns payloads with a numeric `exp`.
      ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp * 1000 } : {}),
    };
  }

  /** Verifies an `Authorization: Bearer …` header value. */
  verifyBearer(header: string | undefined): Promise<Identity> {
    const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!m) return Promise.reject(new GameError('UNAUTHORIZED', 'expected Authorization: Bearer <token>'));
    return this.verify(m[1]);
  }
}

/** Whether a token's `aud` (a string or a list of strings) names `audience`. */
function namesAudience(aud: unknown, audience: string): boolean {
  return aud === audience || (Array.isArray(aud) && aud.includes(audience));
}
