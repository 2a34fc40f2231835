export { RedPacketClient } from './client.js';
export type { RedPacketClientOptions, WireFormat } from './client.js';
export { ClockSync } from './clock-sync.js';
export { listenToUnlock } from './karaoke-listener.js';
export type { ListenOptions, ListenSession, PlaybackSource } from './karaoke-listener.js';
export { RedPacketError } from './errors.js';
export type { ClientOnlyCode, ErrorDetails } from './errors.js';
export * from '../codes.js';
export type * from '../protocol.js';
