// The call-log `reason` a `result` carries when nothing more specific is known, and RingCentral's description text.

import type { Reason, Result } from './enums.ts';

/** Reason attached to a record or leg result (results missing here carry no reason). */
export const REASON_BY_RESULT: Partial<Record<Result, Reason>> = {
  Accepted: 'Accepted',
  'Call connected': 'Accepted',
  Missed: 'No Answer',
  Voicemail: 'No Answer',
  'Hang Up': 'Hang Up',
  Abandoned: 'Hang Up',
  'No Answer': 'Not Answered',
  'Wrong Number': 'Wrong Number',
  'Call Failed': 'Failed Try Again',
  Blocked: 'Number Blocked',
  'Receive Error': 'Fax Not Received',
  'Send Error': 'Fax Send Error',
  'Fax Partially Sent': 'Fax Partially Sent',
  'Fax Not Sent': 'Fax Not Sent',
  'Fax Poor Line': 'Fax Poor Line',
};

/** `reasonDescription` text per reason, after the descriptions in RingCentral's API reference. */
export const REASON_DESCRIPTIONS: Partial<Record<Reason, string>> = {
  Accepted: 'The call was connected to and accepted by this number.',
  Connected: 'The call was answered by a voice mail system or fax machine.',
  'Not Answered': 'The phone number you dialed was not answered.',
  'No Answer': 'You did not answer the call.',
  'Hang Up': 'The caller hung up before the call was answered.',
  Stopped: 'This attempt was stopped because the call was answered by another phone.',
  'Wrong Number': 'The number you dialed has either been disconnected or is not a valid phone number.',
  'Failed Try Again': 'Call failed. Please try again.',
  'Number Blocked': 'This number is in your Blocked Numbers list.',
  'Fax Not Received':
    "An incoming fax could not be received because a proper connection with the sender's fax machine could not be established.",
  'Fax Send Error': 'An internal error occurred when sending the fax.',
  'Fax Partially Sent': 'The fax was only partially sent.',
  'Fax Not Sent': 'An attempt to send the fax was made, but could not connect with the receiving fax machine.',
  'Fax Poor Line': 'An attempt to send the fax was made, but the phone line quality was too poor to send the fax.',
};
