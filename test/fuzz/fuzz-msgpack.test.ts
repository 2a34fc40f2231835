/** The fuzz property over msgpack (the SDK's default wire), on Redis. See fuzz-suite.ts. */
import { redisBackend } from '../helpers/backends.js';
import { describeFuzz } from './fuzz-suite.js';

describeFuzz('msgpack', redisBackend, {
  socketBatches: 50,
  socketBatchSize: 100,
  httpBatches: 20,
  httpBatchSize: 50,
});
