// `npm start`: the desktop app where the Electron runtime exists; otherwise the same
// workstation in browser mode on 127.0.0.1, after saying so in one line.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronRuntime } from './electron-runtime.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runtime = findElectronRuntime();

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (runtime.path && !process.env.RXLEDGER_BROWSER_MODE) {
  run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--logLevel', 'warn']);
  const child = spawn(runtime.path, [join(root, 'out', 'main', 'index.js'), ...args], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`Electron runtime not available (${runtime.reason ?? 'RXLEDGER_BROWSER_MODE is set'}): starting the workstation in browser mode on 127.0.0.1.`);
  run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn']);
  const child = spawn(process.execPath, [join(root, 'bin', 'rxledger.mjs'), 'serve', ...args], { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}
