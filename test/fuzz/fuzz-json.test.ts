/** The fuzz property over WIRE_FORMAT=json (generic socket.io clients), in memory. See fuzz-suite.ts. */
import { memoryBackend } from '../helpers/backends.js';
import { describeFuzz } from './fuzz-suite.js';

describeFuzz('json', memoryBackend, {
  socketBatches: 50,
  socketBatchSize: 100,
  httpBatches: 20,
  httpBatchSize: 50,
});
