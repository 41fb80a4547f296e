import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, session } from 'electron';
import { resolveDataDir } from '../data-dir';
import { allHandlers } from '../ipc/all-handlers';
import { dispatch } from '../ipc/dispatch';
import { startWorkstationServices } from '../host/workstation-services';
import { FileSecretStore, type SecretStore } from '../keys/secret-store';
import { Workstation } from '../workstation';
import { SafeStorageSecretStore } from './safe-storage-store';
import { APP_INDEX_URL, APP_SCHEME, CSP, headersFor, isAllowedNavigation, isTrustedSender, permissionAllowed, resolveAppPath } from './trust';

/**
 * The Electron shell: a window, the IPC bridge and the OS keychain. Everything else is the
 * same services the browser-mode host and the CLI use (Workstation). Kept small enough to
 * review by eye, since it cannot be run on the build machines.
 */
app.setName('RxLedger');
app.enableSandbox();
// Pages come from app://rxledger/, not file://: one origin to trust, and every response gets
// the CSP and the other headers (a file:// load gets no response headers at all). Privileges
// must be registered before ready.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const argData = process.argv.find((a, i) => process.argv[i - 1] === '--data');
const dataDir = resolveDataDir(argData, process.env);

function secretStore(): SecretStore {
  if (SafeStorageSecretStore.usable()) return new SafeStorageSecretStore(dataDir);
  console.warn('[rxledger] OS keychain unavailable: keeping secrets in owner-only key files in', dataDir);
  return new FileSecretStore(dataDir);
}

async function start(): Promise<void> {
  await app.whenReady();
  const secrets = secretStore();
  let ws: Workstation;
  if (!Workstation.isInitialized(dataDir)) {
    ws = Workstation.init(dataDir, process.env.RXLEDGER_FACILITY ?? 'MAIN01', { secretStore: secrets });
    const { oneTimePassword } = ws.createFirstAdmin(null);
    await dialog.showMessageBox({
      type: 'info',
      title: 'RxLedger — first start',
      message: `Sign in as "admin" with the one-time password:\n\n${oneTimePassword}\n\nYou will be asked to choose a new password.`,
    });
  } else {
    ws = Workstation.open(dataDir, { secretStore: secrets });
  }
  ws.sessions.startSweeper();
  // The POS API, the sync worker and the scanners run beside the window, as in browser mode.
  const services = await startWorkstationServices(ws);
  if (services.posProblem) void dialog.showMessageBox({ type: 'warning', title: 'RxLedger — POS API', message: services.posProblem });

  const rendererRoot = join(import.meta.dirname, '../renderer');
  protocol.handle(APP_SCHEME, async (req) => {
    const file = resolveAppPath(req.url, rendererRoot);
    if (!file) return new Response('not found', { status: 404, headers: headersFor('x.txt') });
    try {
      return new Response(await readFile(file), { headers: headersFor(file) });
    } catch {
      return new Response('not found', { status: 404, headers: headersFor('x.txt') });
    }
  });
  // The dev server's responses (electron-vite dev) get the same CSP.
  session.defaultSession.webRequest.onHeadersReceived((details, cb) =>
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }),
  );
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(permissionAllowed()));
  session.defaultSession.setPermissionCheckHandler(() => permissionAllowed());

  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'RxLedger',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  const rendererUrl = process.env.ELECTRON_RENDERER_URL;

  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.on('will-redirect', (e) => {
    if (!isAllowedNavigation(e.url, e.isMainFrame, rendererUrl)) e.preventDefault();
  });
  win.webContents.on('will-frame-navigate', (e) => {
    if (!isAllowedNavigation(e.url, e.isMainFrame, rendererUrl)) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));

  // Sessions are per window: the main process remembers which session this window signed in.
  const sessionsByWindow = new Map<number, string | null>();
  ipcMain.handle('rxledger:invoke', (event, channel: unknown, input: unknown) => {
    const frame = event.senderFrame;
    const isTopFrame = frame !== null && frame === event.sender.mainFrame;
    if (event.sender.id !== win.webContents.id || !isTrustedSender(frame?.url ?? '', isTopFrame, rendererUrl)) {
      return { ok: false, error: { code: 'FORBIDDEN', message: 'IPC from an untrusted frame' } };
    }
    const key = event.sender.id;
    return dispatch(ws, allHandlers, { mode: 'electron', testHooks: false }, String(channel), input, {
      sessionId: sessionsByWindow.get(key) ?? null,
      setSessionId: (id) => sessionsByWindow.set(key, id),
    });
  });

  if (rendererUrl) await win.loadURL(rendererUrl);
  else await win.loadURL(APP_INDEX_URL);

  app.on('window-all-closed', () => {
    void services.stop().finally(() => {
      ws.close();
      app.quit();
    });
  });
}

start().catch((err) => {
  dialog.showErrorBox('RxLedger could not start', (err as Error).message);
  app.exit(1);
});
