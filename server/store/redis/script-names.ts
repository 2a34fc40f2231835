/** The Lua scripts by name, with how many KEYS each takes (scripts.ts loads and runs them). */
/** Script name → number of KEYS it takes (its file is `lua/<name>.lua`). */
export const SCRIPTS = {
  'wallet-mint': 3,
  'wallet-hold': 3,
  'wallet-settle-hold': 1,
  'wallet-release-hold': 3,
  'wallet-apply-credit': 3,
  'packet-create': 3,
  'escrow-abort-funded': 2,
  'packet-grab': 5,
  'packet-grab-credit': 8,
  'packet-save-listen': 2,
  'packet-expire': 3,
  'packet-cancel': 3,
  'rain-create': 4,
  'rain-lease': 1,
  'rain-lease-release': 1,
  'rain-release': 3,
  'rain-grab': 6,
  'rain-end': 4,
  'rain-batch': 8,
  'rain-draw': 10,
  'room-member-add': 2,
  'room-member-remove': 2,
  'node-heartbeat': 2,
  'node-forget': 2,
  'code-receive': 1,
  'code-phrase-index': 1,
  'risk-send': 3,
  'risk-send-undo': 2,
  'risk-received': 1,
  'risk-grab-fail': 1,
  'risk-cluster': 1,
  'risk-content': 1,
  'fence-index': 4,
  'fence-unindex': 4,
  'fence-search': 4,
  'fence-attempt': 2,
  'restore-wallet': 5,
  'restore-packet': 4,
  'restore-rain': 7,
} as const;

export type ScriptName = keyof typeof SCRIPTS;

const isScriptName = (name: string): name is ScriptName => Object.hasOwn(SCRIPTS, name);

/** Every script's name. */
export const SCRIPT_NAMES: readonly ScriptName[] = Object.keys(SCRIPTS).filter(isScriptName);
