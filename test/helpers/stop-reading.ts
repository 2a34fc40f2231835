import type { RedPacketClient } from '@red-packet/sdk';

/**
 * Makes an SDK client stop reading from its WebSocket (Node clients only): its TCP receive
 * buffer fills, then the server's send queue grows, as with a phone that froze. Returns the
 * function that resumes reading.
 */
export function stopReading(client: RedPacketClient): () => void {
  const engine = client.socket.io.engine as unknown as {
    transport: { ws: { pause(): void; resume(): void } };
  };
  const ws = engine.transport.ws;
  ws.pause();
  return () => ws.resume();
}
