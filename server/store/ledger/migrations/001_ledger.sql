-- The system of record for money (issue 25): one row per money movement, the claims that
-- owe them, and the packets and rains that hold escrow, with their funded shares.
-- Append-only: rows are inserted (ON CONFLICT DO NOTHING on their ids) and never updated,
-- so a retry can never write one twice and every state is derived from what happened.
-- Amounts are integer fen.

-- Σ of an array, for CHECKs (a CHECK cannot hold a subquery).
CREATE FUNCTION ledger_array_sum(bigint[]) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS 'SELECT coalesce(sum(x), 0) FROM unnest($1) AS x';

-- One wallet movement. entry_id is derived from the movement's own id (ledger-rows.ts
-- entryIdOf): `credit:<claimId>`, `hold:<holdId>`, `release:<holdId>`, and, since mint ids
-- are the caller's idempotency keys and only unique per wallet, `mint:<userId>:<mintId>`.
-- A wallet's balance is the sum of its entries (wallet_balances below).
CREATE TABLE ledger_entries (
  entry_id   text        PRIMARY KEY,
  user_id    text        NOT NULL,
  kind       text        NOT NULL,
  ref        text        NOT NULL,
  amount     bigint      NOT NULL,
  created_at timestamptz NOT NULL,
  CONSTRAINT ledger_entries_kind CHECK (kind IN ('mint', 'hold', 'release', 'credit')),
  CONSTRAINT ledger_entries_id CHECK (
    entry_id = kind || ':' || CASE WHEN kind = 'mint' THEN user_id || ':' ELSE '' END || ref),
  -- A hold debits; everything else credits; nothing moves zero.
  CONSTRAINT ledger_entries_sign CHECK (CASE WHEN kind = 'hold' THEN amount < 0 ELSE amount > 0 END)
);
-- Balances and per-wallet reads scan only this index (index-only: it carries the amount).
CREATE INDEX ledger_entries_user ON ledger_entries (user_id) INCLUDE (amount);
-- The reconciler's "holds still held since before T" (holds are a small share of the rows).
CREATE INDEX ledger_entries_holds ON ledger_entries (created_at) WHERE kind = 'hold';

-- Money a packet or rain owes a user: a claimed share, a drop share, or the refund of what
-- was left. Its credit is the ledger entry `credit:<claim_id>`; a claim without one is in
-- flight. claim_id is domain/ids.ts's (packetClaimId, dropClaimId, packetRefundId, rainRefundId).
CREATE TABLE claims (
  claim_id   text        PRIMARY KEY,
  source_id  text        NOT NULL,
  drop_id    text,
  user_id    text        NOT NULL,
  amount     bigint      NOT NULL,
  reason     text        NOT NULL,
  created_at timestamptz NOT NULL,
  CONSTRAINT claims_reason CHECK (reason IN ('grab', 'refund', 'drop', 'rain-refund')),
  CONSTRAINT claims_drop CHECK ((reason = 'drop') = (drop_id IS NOT NULL)),
  CONSTRAINT claims_amount CHECK (amount > 0)
);
-- One claim per packet (or drop) and user, and one refund per source, whatever the ids say.
-- Led by source_id, it also serves the per-source sums (escrow, remaining shares).
CREATE UNIQUE INDEX claims_one_per_user
  ON claims (source_id, (coalesce(drop_id, '')), user_id, (reason IN ('refund', 'rain-refund')));

-- A funded packet: its shares (sum = total) sit in escrow until claimed or refunded.
-- record: the PacketRecord as created (kind, greeting, timing, fence …), to rebuild Redis.
CREATE TABLE packets (
  packet_id  text        PRIMARY KEY,
  sender_id  text        NOT NULL,
  room_id    text        NOT NULL,
  total      bigint      NOT NULL,
  shares     bigint[]    NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  record     jsonb       NOT NULL,
  CONSTRAINT packets_shares CHECK (
    cardinality(shares) > 0 AND 0 < ALL (shares) AND ledger_array_sum(shares) = total)
);

-- A funded rain: every drop's shares (Σ over drops = total) sit in escrow.
CREATE TABLE rains (
  rain_id    text        PRIMARY KEY,
  host_id    text        NOT NULL,
  room_id    text        NOT NULL,
  total      bigint      NOT NULL,
  created_at timestamptz NOT NULL,
  record     jsonb       NOT NULL,
  CONSTRAINT rains_total CHECK (total > 0)
);
CREATE TABLE rain_drops (
  rain_id    text        NOT NULL REFERENCES rains,
  drop_id    text        NOT NULL,
  shares     bigint[]    NOT NULL,
  PRIMARY KEY (rain_id, drop_id),
  CONSTRAINT rain_drops_shares CHECK (0 < ALL (shares))
);

-- Wallet balances: the sum of each wallet's entries. A view, not a maintained row: nothing
-- can disagree with the ledger, and concurrent batches crediting one hot wallet never queue
-- on its row lock. Reads are rare (audit, reconciliation, restore); Redis serves balances.
CREATE VIEW wallet_balances AS
  SELECT user_id, sum(amount)::bigint AS balance, count(*) AS entries
  FROM ledger_entries GROUP BY user_id;

-- Holds, derived from their entries: `released` once `release:<hold>` exists, `settled`
-- once the packet or rain it funds exists, `held` (money in flight) until then.
CREATE VIEW holds AS
  SELECT h.ref AS hold_id, h.user_id, -h.amount AS amount, h.created_at,
         CASE WHEN r.entry_id IS NOT NULL THEN 'released'
              WHEN EXISTS (SELECT 1 FROM packets p WHERE p.packet_id = h.ref)
                OR EXISTS (SELECT 1 FROM rains n WHERE n.rain_id = h.ref) THEN 'settled'
              ELSE 'held' END AS state
  FROM ledger_entries h
  LEFT JOIN ledger_entries r ON r.entry_id = 'release:' || h.ref
  WHERE h.kind = 'hold';
