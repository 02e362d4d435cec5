// A settings register whose values are encrypted at rest (store/crypto-settings): for the upstream tokens.

import { decryptSetting, encryptSetting } from '../store/index.ts';
import type { Register } from './state-register.ts';

/** `register` with its values sealed under `key`; a value the key cannot open reads as none (log in again). */
export function encryptedRegister(register: Register, key: Buffer): Register {
  return {
    async read() {
      const stored = await register.read();
      return stored === null ? null : decryptSetting(stored, key);
    },
    write: (value) => register.write(encryptSetting(value, key)),
  };
}
