import { MemoryStore } from '../../server/store/memory-store.js';
import { describeRiskContract } from './risk-contract.js';

describeRiskContract('MemoryStore risk', () => Promise.resolve(new MemoryStore()));
