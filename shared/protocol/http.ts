/** JSON bodies of the HTTP API, and the answer type of every route. */
import type { Role } from '../schemas.js';
import type { RainReport, ReplayBundle } from '../rain-fairness.js';
import type { ClientEventName, EventResult, ServerEventName, ServerToClientEvents } from './events.js';
import type {
  AckError,
  ClaimView,
  FenceAttemptView,
  NearbyResult,
  PacketView,
  RainDetails,
  RainView,
  UserRef,
} from './views.js';

/** JSON bodies of the HTTP API. */
export interface MeResponse extends UserRef {
  role: Role;
  balance: number;
}

export interface PacketDetails {
  packet: PacketView;
  claims: ClaimView[];
  bestLuck: ClaimView | null;
}

export interface AuditReport {
  /** True when `difference` is 0, there are no double claims and every ledger adds up. */
  balanced: boolean;
  minted: number;
  wallets: number;
  escrow: number;
  inFlight: number;
  /** minted − (wallets + escrow + inFlight). */
  difference: number;
  doubleClaims: number;
  /** Wallets whose balance differs from the sum of their ledger entries. */
  ledgerMismatches: number;
}

/** A wallet whose Redis balance differs from the PostgreSQL ledger's (GET /v1/admin/reconcile). */
export interface ReconcileMismatch {
  userId: string;
  /** Fen in Redis, fen in PostgreSQL (the sum of the wallet's entries), and redis − postgres. */
  redis: number;
  postgres: number;
  difference: number;
}

/** One node's reconciliation of Redis balances against the PostgreSQL ledger (对账). */
export interface ReconcileReport {
  /** The node that answered (each node checks the users its money steps touched). */
  nodeId: string;
  /** True for every user the ledger knows (`?all=1`). */
  all: boolean;
  /** Users compared. */
  checked: number;
  /** Users whose difference was the same on two reads a grace apart. */
  mismatches: ReconcileMismatch[];
  /** When the report was made, ms epoch. */
  at: number;
}

export interface HttpErrorBody {
  error: AckError;
}

/** Each server→client event's payload, by event (read by the AsyncAPI generator). */
export type ServerEventPayloads = {
  [E in ServerEventName]: Parameters<ServerToClientEvents[E]>[0];
};

/** Each client→server event's success result (the ack without `ok`), by event. */
export type ClientEventResults = {
  [E in ClientEventName]: EventResult<E>;
};

/**
 * The JSON body of each HTTP route's success answer, by `METHOD path` as the route declares
 * it (read by the OpenAPI generator, which fails on a route missing here). `string`: text.
 */
export interface HttpResults {
  'GET /healthz': { ok: true };
  'GET /readyz': { ok: true; store: 'memory' | 'redis' | 'cluster' };
  'GET /metrics': string;
  'GET /v1/me': MeResponse;
  'POST /v1/rooms/:roomId/packets': { packet: PacketView };
  'GET /v1/packets/:packetId': PacketDetails;
  'POST /v1/rooms/:roomId/rains': { rain: RainView };
  'GET /v1/rains/:rainId': RainDetails;
  'GET /v1/rains/:rainId/replay': ReplayBundle;
  'GET /v1/rains/:rainId/report': RainReport;
  'DELETE /v1/rains/:rainId': { refunded: number };
  'DELETE /v1/packets/:packetId': { refunded: number };
  'GET /v1/packets/nearby': NearbyResult;
  'GET /v1/admin/packets/:packetId/locations': { attempts: FenceAttemptView[] };
  'POST /v1/admin/wallets/:userId/credit': { balance: number; applied: boolean };
  'GET /v1/admin/audit': AuditReport;
  'GET /v1/admin/reconcile': ReconcileReport;
  'POST /v1/dev/token': { token: string };
  'GET /v1/openapi.json': Record<string, unknown>;
  'GET /v1/asyncapi.json': Record<string, unknown>;
  'GET /v1/admin/screening': ScreeningStatus;
  'POST /v1/admin/screening/reload': ScreeningStatus;
}

/** One node's content-screening word lists (GET /v1/admin/screening, and a reload's answer). */
export interface ScreeningStatus {
  /** The node that answered (a reload reaches the others through the adapter). */
  nodeId: string;
  /** False when SCREEN_WORDLIST_PATH is `off`. */
  enabled: boolean;
  /** When this node last loaded its lists, ms epoch. */
  loadedAt: number;
  /** In priority order: a text hitting several lists is refused in the first one's name. */
  lists: {
    name: string;
    path: string;
    terms: number;
    /** First 16 hex digits of the file's SHA-256: equal across nodes means the same file. */
    version: string;
  }[];
}
