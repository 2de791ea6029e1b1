import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.shared';

// The server entry (recognition, identity, conventions) and the page entry (the key-client driver).
export default defineConfig(libraryBuild({ index: 'src/index.ts', browser: 'src/browser/index.ts' }));
