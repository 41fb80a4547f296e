import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { safeStorage } from 'electron';
import type { SecretStore } from '../keys/secret-store';
import { writePrivateFileAtomic } from '../private-files';

/**
 * Secrets encrypted by the operating system's keychain (Keychain, DPAPI, libsecret/kwallet)
 * through Electron's safeStorage. Used only where the OS offers real encryption: on a Linux
 * desktop without a keyring safeStorage falls back to a fixed key, and then the shell uses
 * the owner-only key file instead (and says so).
 *
 * A data folder made by `rxledger init` or browser mode holds its secrets in owner-only key
 * files; the first time the desktop app opens it, each one moves into the keychain and the file
 * is removed, so the key exists in one place only.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'Electron safeStorage (OS keychain)';
  constructor(private readonly dir: string) {}

  static usable(): boolean {
    if (!safeStorage.isEncryptionAvailable()) return false;
    if (process.platform === 'linux') return safeStorage.getSelectedStorageBackend() !== 'basic_text';
    return true;
  }

  private path(name: string, ext: 'safe' | 'key'): string {
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad secret name ${name}`);
    return join(this.dir, `${name}.${ext}`);
  }

  read(name: string): Buffer | null {
    const p = this.path(name, 'safe');
    if (existsSync(p)) return Buffer.from(safeStorage.decryptString(readFileSync(p)), 'base64');
    const file = this.path(name, 'key');
    if (!existsSync(file)) return null;
    const data = readFileSync(file);
    this.write(name, data);
    // Overwrite before unlinking so the clear key does not linger in the file's blocks.
    writeFileSync(file, Buffer.alloc(data.length));
    unlinkSync(file);
    return data;
  }

  write(name: string, data: Buffer): void {
    const p = this.path(name, 'safe');
    writePrivateFileAtomic(p, safeStorage.encryptString(data.toString('base64')));
  }
}
