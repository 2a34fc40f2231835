import { MemoryStore } from '../../server/store/memory-store.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('MemoryStore', () => Promise.resolve(new MemoryStore()));
