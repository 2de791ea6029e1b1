import { describeStoreContract } from './contract';
import { createMemoryStores } from './memory';

describeStoreContract('memory', (options) => createMemoryStores(options));
