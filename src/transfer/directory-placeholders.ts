// Makes sure the account and every extension an imported record names exist, creating minimal placeholder
// entries (names and numbers taken from the record's parties) only where the directory has none.

import type { Account, CallLogLeg, CallLogRecord, Extension, PartyInfo } from '../domain/index.ts';
import type { Store } from '../store/index.ts';

interface Hint {
  accountId: string;
  number?: string;
  name?: string;
}

/** What a batch of records names: accounts (with their first call) and extensions (with hints for placeholders). */
export interface DirectoryRefs {
  accounts: Map<string, number>;
  extensions: Map<string, Hint>;
}

/** The extensions a record names (its log, its owner, the parties of the record and its legs), with hints. */
function referencedExtensions(r: CallLogRecord, found: Map<string, Hint>): void {
  const note = (id: string | undefined | null, party?: PartyInfo) => {
    if (!id) return;
    const hint = found.get(id) ?? { accountId: r.accountId };
    if (party) {
      hint.number ??= party.extensionNumber;
      hint.name ??= party.name;
    }
    found.set(id, hint);
  };
  const parties = (call: CallLogRecord | CallLogLeg) => {
    for (const p of [call.from, call.to]) note(p.extensionId, p);
  };
  parties(r);
  for (const leg of r.legs) {
    parties(leg);
    note(leg.extensionId);
  }
  note(r.extensionId);
  note(r.ownerExtensionId);
}

export const emptyRefs = (): DirectoryRefs => ({ accounts: new Map(), extensions: new Map() });

/** Adds the account and extensions `r` names to `refs` (plain data, so a decoder thread can collect it). */
export function noteReferences(r: CallLogRecord, refs: DirectoryRefs): void {
  refs.accounts.set(r.accountId, Math.min(refs.accounts.get(r.accountId) ?? Infinity, r.startTime));
  referencedExtensions(r, refs.extensions);
}

export class DirectoryPlaceholders {
  private readonly knownAccounts = new Set<string>();
  private readonly knownExtensions = new Set<string>();
  createdAccounts = 0;
  createdExtensions = 0;

  constructor(private readonly store: Store) {}

  /** Creates what the records (their `directoryRefs`) need and the directory lacks. */
  async ensure({ accounts, extensions }: DirectoryRefs): Promise<void> {
    for (const [id, firstCall] of accounts) if (!this.knownAccounts.has(id)) await this.ensureAccount(id, firstCall);
    const missing: Extension[] = [];
    for (const [id, hint] of extensions) {
      if (this.knownExtensions.has(id)) continue;
      this.knownExtensions.add(id);
      if (!(await this.store.getExtension(id))) missing.push(await this.placeholder(id, hint, missing));
    }
    await this.store.putExtensions(missing);
    this.createdExtensions += missing.length;
  }

  private async ensureAccount(id: string, firstCall: number): Promise<void> {
    this.knownAccounts.add(id);
    if (await this.store.getAccount(id)) return;
    const account: Account = { id, name: `Imported account ${id}`, mainNumber: '', createdAt: firstCall };
    await this.store.putAccount(account);
    this.createdAccounts += 1;
  }

  /** A placeholder user; its number is the one the records show unless another extension has it. */
  private async placeholder(id: string, hint: Hint, pending: Extension[]): Promise<Extension> {
    const taken = async (n: string) =>
      pending.some((e) => e.accountId === hint.accountId && e.extensionNumber === n) ||
      (await this.store.findExtensionByNumber(hint.accountId, n)) !== null;
    let extensionNumber = `${id}-imported`;
    for (const candidate of [hint.number, id]) {
      if (candidate && !(await taken(candidate))) {
        extensionNumber = candidate;
        break;
      }
    }
    return {
      id,
      accountId: hint.accountId,
      extensionNumber,
      name: hint.name ?? `Extension ${extensionNumber}`,
      type: 'User',
      status: 'Enabled',
      role: 'user',
      phoneNumbers: [],
    };
  }
}
