#!/usr/bin/env node
// The rxledger command. It runs the TypeScript sources through tsx, so `npx rxledger` works
// straight after `npm install` without a build step.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/cli/main.ts', import.meta.url);
await main();
