import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFileAtomic } from '../private-files';

/**
 * Where secrets (the device signing key, the PHI and token keys) live. The desktop app backs
 * this with Electron's safeStorage (OS keychain / DPAPI / libsecret); browser mode and the CLI
 * use files readable only by their owner. Callers never know which.
 */
export interface SecretStore {
  readonly kind: string;
  read(name: string): Buffer | null;
  write(name: string, data: Buffer): void;
}

/** Secrets in files with mode 0600 inside the data folder. */
export class FileSecretStore implements SecretStore {
  readonly kind = 'key file (owner-only, mode 0600)';
  constructor(private readonly dir: string) {}

  private path(name: string): string {
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad secret name ${name}`);
    return join(this.dir, `${name}.key`);
  }

  read(name: string): Buffer | null {
    const p = this.path(name);
    if (!existsSync(p)) return null;
    if (process.platform !== 'win32') {
      const mode = statSync(p).mode & 0o777;
      if (mode & 0o077) {
        throw new Error(`${p} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${p}`);
      }
    }
    return readFileSync(p);
  }

  write(name: string, data: Buffer): void {
    writePrivateFileAtomic(this.path(name), data);
  }
}
