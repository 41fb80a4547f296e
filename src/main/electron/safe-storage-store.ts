import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeStorage } from 'electron';
import type { SecretStore } from '../keys/secret-store';

/**
 * Secrets encrypted by the operating system's keychain (Keychain, DPAPI, libsecret/kwallet)
 * through Electron's safeStorage. Used only where the OS offers real encryption: on a Linux
 * desktop without a keyring safeStorage falls back to a fixed key, and then the shell uses
 * the owner-only key file instead (and says so).
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'Electron safeStorage (OS keychain)';
  constructor(private readonly dir: string) {}

  static usable(): boolean {
    if (!safeStorage.isEncryptionAvailable()) return false;
    if (process.platform === 'linux') return safeStorage.getSelectedStorageBackend() !== 'basic_text';
    return true;
  }

  private path(name: string): string {
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad secret name ${name}`);
    return join(this.dir, `${name}.safe`);
  }

  read(name: string): Buffer | null {
    const p = this.path(name);
    return existsSync(p) ? Buffer.from(safeStorage.decryptString(readFileSync(p)), 'base64') : null;
  }

  write(name: string, data: Buffer): void {
    const p = this.path(name);
    writeFileSync(`${p}.tmp`, safeStorage.encryptString(data.toString('base64')), { mode: 0o600 });
    renameSync(`${p}.tmp`, p);
  }
}
