// Worker entry when running from TypeScript sources (browser mode, CLI): load tsx's loader in
// this thread, then the worker itself. The desktop build points at the bundled worker instead.
import { tsImport } from 'tsx/esm/api';

await tsImport('./import-worker.ts', import.meta.url);
