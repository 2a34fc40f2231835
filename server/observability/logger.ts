import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout, one line per event, tagged with this node's id. */
export function createLogger(level: string, nodeId: string): Logger {
  return pino({ level, base: { node: nodeId } });
}
