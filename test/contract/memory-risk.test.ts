import { MemoryRisk } from '../../server/store/risk/memory-risk.js';
import { MemoryStore } from '../../server/store/memory-store.js';
import { describeRiskContract } from './risk-contract.js';

describeRiskContract('MemoryRisk', () =>
  Promise.resolve({ store: new MemoryStore(), risk: new MemoryRisk() }),
);
