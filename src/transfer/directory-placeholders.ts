// Makes sure the account and every extension an imported record names exist, creating minimal placeholder
// entries (names and numbers taken from the record's parties) only where the directory has none.

import type { Account, CallLogLeg, CallLogRecord, Extension, PartyInfo } from '../domain/index.ts';
import type { Store } from '../store/index.ts';

interface Hint {
  accountId: string;
  number?: string;
  name?: string;
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

export class DirectoryPlaceholders {
  private readonly knownAccounts = new Set<string>();
  private readonly knownExtensions = new Set<string>();
  createdAccounts = 0;
  createdExtensions = 0;

  constructor(private readonly store: Store) {}

  /** Creates what the records need and the directory lacks. */
  async ensure(records: CallLogRecord[]): Promise<void> {
    const accounts = new Map<string, number>();
    const extensions = new Map<string, Hint>();
    for (const r of records) {
      if (!this.knownAccounts.has(r.accountId)) accounts.set(r.accountId, Math.min(accounts.get(r.accountId) ?? Infinity, r.startTime));
      referencedExtensions(r, extensions);
    }
    for (const [id, firstCall] of accounts) await this.ensureAccount(id, firstCall);
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
