/**
 * Signed codes: QR-code packets (claimed with a code, no room needed) and receive codes (pay
 * a user an exclusive packet). Both claim through PacketService.grab.
 */
import { CodeSigner } from '../../domain/signed-codes.js';
import type { PacketService } from '../packets/packet-service.js';
import type { NodeBasics } from '../runtime/node-basics.js';
import type { TextCheck } from '../screening/content-screen.js';
import { CodeService } from './code-service.js';
import { ReceiveService } from './receive-service.js';

export interface CodesConcept {
  codes: CodeService;
  receive: ReceiveService;
}

export function createCodesConcept(
  node: NodeBasics,
  packets: PacketService,
  screenText: TextCheck,
): CodesConcept {
  const { config, store, clock, broadcaster, log } = node;
  const signer = new CodeSigner(config.codes.secret, config.codes.rotateMs);
  return {
    codes: new CodeService(store, clock, packets, signer),
    receive: new ReceiveService(store, clock, packets, signer, broadcaster, log, screenText),
  };
}
