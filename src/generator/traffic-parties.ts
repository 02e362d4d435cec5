// The parties generated calls connect: the company's users and call queues as prepared call parties, and the
// outside world (recurring contacts, one-off callers, toll-free and international numbers, blocked spammers).

import type { Extension, InternalType, PartyInfo } from '../domain/index.ts';
import type { GeneratedCompany } from './company-generator.ts';
import {
  BUSINESS_CONTACT_NAMES,
  CITIES,
  FIRST_NAMES,
  INTERNATIONAL_DESTINATIONS,
  LAST_NAMES,
  LOCAL_CITY_COUNT,
  QUEUE_CATALOGUE,
  TOLL_FREE_PREFIXES,
  type City,
} from './company-catalogue.ts';
import { OUTSIDE, USER_ACTIVITY_SIGMA } from './traffic-mix.ts';
import { WeightedChoice, type SeededRandom } from '../domain/index.ts';

const DIGITS = '0123456789';

/** A US number `+1AAAEEELLLL` (exchange 200-999). */
export function usNumber(rng: SeededRandom, areaCode: string): string {
  return `+1${areaCode}${rng.between(200, 999)}${rng.chars(DIGITS, 4)}`;
}

/** A user or call queue as a call party, prepared once. */
export interface InternalLine {
  id: string;
  name: string;
  /** extensionNumber, extensionId and name. */
  party: PartyInfo;
  /** The same with the line's direct number. */
  directParty: PartyInfo;
  /** The same with the company main number (reached through the auto-receptionist). */
  mainParty: PartyInfo;
  autoRecord: boolean;
}

export interface UserLine extends InternalLine {
  /** The mobile FindMe also rings, or null. */
  findMe: PartyInfo | null;
}

export interface QueueLine extends InternalLine {
  members: UserLine[];
}

export interface OutsideNumber {
  party: PartyInfo;
  internalType: InternalType;
  ratePerMinute: number;
  tollFree: boolean;
}

function internalLine(ext: Extension, mainNumber: string, autoRecord: boolean): InternalLine {
  const party = { extensionNumber: ext.extensionNumber, extensionId: ext.id, name: ext.name };
  return {
    id: ext.id,
    name: ext.name,
    party,
    directParty: { phoneNumber: ext.phoneNumbers[0] ?? mainNumber, ...party },
    mainParty: { phoneNumber: mainNumber, ...party },
    autoRecord,
  };
}

/** Caller-ID name as carriers send it: upper case, at most 15 characters. */
const cnam = (text: string): string => text.toUpperCase().slice(0, 15);

const LOCAL_AREA_CODES: ReadonlySet<string> = new Set(CITIES.slice(0, LOCAL_CITY_COUNT).map((c) => c.areaCode));

const usInternalType = (phoneNumber: string): InternalType =>
  LOCAL_AREA_CODES.has(phoneNumber.slice(2, 5)) ? 'Local' : 'LongDistance';

function domesticNumber(rng: SeededRandom, city: City, name: string | undefined, withLocation: boolean): OutsideNumber {
  const phoneNumber = usNumber(rng, city.areaCode);
  const party: PartyInfo = { phoneNumber };
  if (withLocation) party.location = `${city.city}, ${city.state}`;
  if (name !== undefined) party.name = name;
  return { party, internalType: usInternalType(phoneNumber), ratePerMinute: 0, tollFree: false };
}

function contactName(rng: SeededRandom, city: City): string | undefined {
  const x = rng.next();
  if (x < 0.35) return cnam(`${rng.pick(LAST_NAMES)} ${rng.pick(FIRST_NAMES)}`);
  if (x < 0.6) return rng.pick(BUSINESS_CONTACT_NAMES);
  if (x < 0.8) return cnam(`${city.city} ${city.state}`);
  return undefined;
}

/** Numbers outside the company: a pool of recurring contacts plus one-off numbers made up per call. */
export class OutsideWorld {
  private readonly contacts: OutsideNumber[] = [];

  constructor(rng: SeededRandom, users: number) {
    const size = Math.max(OUTSIDE.minContacts, OUTSIDE.contactsPerUser * users);
    for (let i = 0; i < size; i++) {
      const city = rng.pick(CITIES);
      this.contacts.push(domesticNumber(rng, city, contactName(rng, city), rng.chance(OUTSIDE.contactLocationShare)));
    }
  }

  /** Someone calling or faxing in: mostly recurring contacts (the first ones most often), else a one-off number. */
  caller(rng: SeededRandom): OutsideNumber {
    if (rng.chance(OUTSIDE.contactShare)) {
      const u = rng.next();
      return this.contacts[Math.floor(u * u * this.contacts.length)];
    }
    const city = rng.pick(CITIES);
    const x = rng.next();
    const name = x < 0.5 ? cnam(`${city.city} ${city.state}`) : x < 0.7 ? 'WIRELESS CALLER' : undefined;
    return domesticNumber(rng, city, name, rng.chance(OUTSIDE.oneOffLocationShare));
  }

  /** Someone the company calls: a caller-like number, or a toll-free or international one. */
  callee(rng: SeededRandom): OutsideNumber {
    const x = rng.next();
    if (x < OUTSIDE.tollFreeShare) {
      const party = { phoneNumber: usNumber(rng, rng.pick(TOLL_FREE_PREFIXES)) };
      return { party, internalType: 'TollFreeNumber', ratePerMinute: 0, tollFree: true };
    }
    if (x < OUTSIDE.tollFreeShare + OUTSIDE.internationalShare) {
      const dest = rng.pick(INTERNATIONAL_DESTINATIONS);
      const party = { phoneNumber: `${dest.prefix}${rng.chars(DIGITS, dest.digits)}` };
      return { party, internalType: 'International', ratePerMinute: dest.ratePerMinute, tollFree: false };
    }
    return this.caller(rng);
  }
}

/** Everything a generated session draws its parties from. */
export class TrafficWorld {
  readonly users: UserLine[];
  readonly queues: QueueLine[];
  readonly blocked: OutsideNumber[];
  readonly outside: OutsideWorld;
  private readonly userChoice: WeightedChoice<UserLine>;
  private readonly queueChoice: WeightedChoice<QueueLine> | null;

  constructor(company: GeneratedCompany, rng: SeededRandom) {
    const byId = new Map(company.extensions.map((e) => [e.id, e]));
    const main = company.account.mainNumber;
    this.users = company.users.map((u) => ({
      ...internalLine(extension(byId, u.extensionId), main, u.autoRecord),
      findMe: u.findMeNumber ? { phoneNumber: u.findMeNumber, name: extension(byId, u.extensionId).name } : null,
    }));
    const userById = new Map(this.users.map((u) => [u.id, u]));
    this.queues = company.queues.map((q) => ({
      ...internalLine(extension(byId, q.extensionId), main, q.autoRecord),
      members: q.memberIds.map((id) => userById.get(id)).filter((u): u is UserLine => u !== undefined),
    }));
    this.blocked = company.blockedNumbers.map((phoneNumber) => ({
      party: { phoneNumber },
      internalType: usInternalType(phoneNumber),
      ratePerMinute: 0,
      tollFree: false,
    }));
    this.outside = new OutsideWorld(rng, this.users.length);
    this.userChoice = new WeightedChoice(this.users.map((u) => [u, rng.logNormal(1, USER_ACTIVITY_SIGMA)] as const));
    const staffed = this.queues.filter((q) => q.members.length > 0);
    this.queueChoice = staffed.length
      ? new WeightedChoice(staffed.map((q) => [q, queueWeight(q.name)] as const))
      : null;
  }

  /** A user, busier users more often. */
  user(rng: SeededRandom): UserLine {
    return this.userChoice.pick(rng);
  }

  /** A user not among `involved` (busier users more often), or null when every user is involved. */
  userExcept(rng: SeededRandom, involved: readonly UserLine[]): UserLine | null {
    for (let i = 0; i < 8; i++) {
      const u = this.userChoice.pick(rng);
      if (!involved.includes(u)) return u;
    }
    const offset = rng.int(this.users.length);
    for (let i = 0; i < this.users.length; i++) {
      const u = this.users[(offset + i) % this.users.length];
      if (!involved.includes(u)) return u;
    }
    return null;
  }

  /** Whether some call queue has members to ring. */
  get hasQueues(): boolean {
    return this.queueChoice !== null;
  }

  queue(rng: SeededRandom): QueueLine {
    if (!this.queueChoice) throw new RangeError('the company has no call queue with members');
    return this.queueChoice.pick(rng);
  }
}

function extension(byId: Map<string, Extension>, id: string): Extension {
  const ext = byId.get(id);
  if (!ext) throw new RangeError(`Company settings name unknown extension ${id}`);
  return ext;
}

function queueWeight(name: string): number {
  return QUEUE_CATALOGUE.find((q) => q.name === name)?.weight ?? 0.1;
}
