import { describeRenewalStoreContract, describeStoreContract } from './contract';
import { createMemoryStores } from './memory';

describeStoreContract('memory', (options) => createMemoryStores(options));
describeRenewalStoreContract('memory', (options) => createMemoryStores(options));
