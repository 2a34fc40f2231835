/**
 * Content screening between nodes, over the socket.io adapter (InterServerEvents): a reload
 * on one node tells every other node to re-read its word-list files.
 */
import type { ContentScreen, ScreenBus } from '../services/screening/content-screen.js';
import type { GameServer } from './socket-server.js';

/** @param multiNode false on the memory store (one node, and no adapter to emit through) */
export function socketScreenBus(io: GameServer, nodeId: string, multiNode: boolean): ScreenBus {
  return {
    publishReload: () => {
      if (multiNode) io.serverSideEmit('screen:reload', { from: nodeId });
    },
  };
}

export function listenScreenBroadcasts(io: GameServer, screen: ContentScreen): void {
  io.on('screen:reload', ({ from }) => screen.onBroadcast(from));
}
