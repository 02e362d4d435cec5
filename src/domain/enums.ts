// Call-log enumerations. Values are the ones valid in both RingCentral's published schema (rc-platform.yaml 1.0.48)
// and the newer @rc-ex definitions, so everything ringlog emits validates against either.

export const CALL_TYPES = ['Voice', 'Fax'] as const;
export const DIRECTIONS = ['Inbound', 'Outbound'] as const;
export const TRANSPORTS = ['PSTN', 'VoIP'] as const;
export const VIEWS = ['Simple', 'Detailed'] as const;
export const RECORDING_TYPES = ['Automatic', 'OnDemand'] as const;
export const RECORDING_TYPE_FILTERS = ['Automatic', 'OnDemand', 'All'] as const;

export type CallType = (typeof CALL_TYPES)[number];
export type Direction = (typeof DIRECTIONS)[number];
export type Transport = (typeof TRANSPORTS)[number];
export type View = (typeof VIEWS)[number];
export type RecordingType = (typeof RECORDING_TYPES)[number];
export type RecordingTypeFilter = (typeof RECORDING_TYPE_FILTERS)[number];

/** Record-level `action` values. */
export const ACTIONS = [
  'Unknown',
  'Phone Login',
  'Calling Card',
  'VoIP Call',
  'Phone Call',
  'Paging',
  'Hunting',
  'Call Park',
  'Monitoring',
  'Text Relay',
  'External Application',
  'Park Location',
  'CallOut-CallMe',
  'Conference Call',
  'Move',
  'RC Meetings',
  'Accept Call',
  'FindMe',
  'FollowMe',
  'RingMe',
  'Transfer',
  'Call Return',
  'Ring Directly',
  'RingOut Web',
  'RingOut PC',
  'RingOut Mobile',
  'Emergency',
  'E911 Update',
  'Support',
  'Incoming Fax',
  'Outgoing Fax',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Record-level `result` values. */
export const RESULTS = [
  'Unknown',
  'Accepted',
  'Call connected',
  'In Progress',
  'Voicemail',
  'Reply',
  'Missed',
  'Busy',
  'Rejected',
  'No Answer',
  'Hang Up',
  'Blocked',
  'Suspended account',
  'Call Failed',
  'Call Failure',
  'Internal Error',
  'IP Phone Offline',
  'No Calling Credit',
  'Restricted Number',
  'Wrong Number',
  'Answered Not Accepted',
  'Stopped',
  'International Disabled',
  'International Restricted',
  'Abandoned',
  'Declined',
  'Received',
  'Fax on Demand',
  'Partial Receive',
  'Receive Error',
  'Fax Receipt Error',
  'Sent',
  'Fax Partially Sent',
  'Send Error',
  'Fax Not Sent',
  'Fax Poor Line',
] as const;
export type Result = (typeof RESULTS)[number];

/** `reason` values (the schema's `line Busy` / newer `Line Busy` disagreement is avoided by not emitting either). */
export const REASONS = [
  'Accepted',
  'Connected',
  'Not Answered',
  'No Answer',
  'Hang Up',
  'Stopped',
  'Internal Error',
  'No Credit',
  'Restricted Number',
  'Wrong Number',
  'International Disabled',
  'International Restricted',
  'Bad Number',
  'Info 411 Restricted',
  'Customer 611 Restricted',
  'No Digital Line',
  'Failed Try Again',
  'Max Call Limit',
  'Too Many Calls',
  'Calls Not Accepted',
  'Number Not Allowed',
  'Number Blocked',
  'Number Disabled',
  'Resource Error',
  'Call Loop',
  'Fax Not Received',
  'Fax Partially Sent',
  'Fax Not Sent',
  'Fax Poor Line',
  'Fax Prepare Error',
  'Fax Save Error',
  'Fax Send Error',
] as const;
export type Reason = (typeof REASONS)[number];

/** Leg-level `action` values (the leg enumeration is narrower than the record's). */
export const LEG_ACTIONS = [
  'Unknown',
  'Phone Call',
  'Phone Login',
  'Incoming Fax',
  'Accept Call',
  'External Application',
  'FindMe',
  'FollowMe',
  'Outgoing Fax',
  'CallOut-CallMe',
  'Call Return',
  'Calling Card',
  'Monitoring',
  'Ring Directly',
  'RingOut Web',
  'Text Relay',
  'VoIP Call',
  'RingOut PC',
  'RingMe',
  'Transfer',
  'Emergency',
  'E911 Update',
  'Support',
  'RingOut Mobile',
] as const;
export type LegAction = (typeof LEG_ACTIONS)[number];

export const LEG_TYPES = [
  'SipForwarding',
  'ServiceMinus2',
  'ServiceMinus3',
  'PstnToSip',
  'Accept',
  'FindMe',
  'FollowMe',
  'TestCall',
  'FaxSent',
  'CallBack',
  'CallingCard',
  'RingDirectly',
  'RingOutWebToSubscriber',
  'RingOutWebToCaller',
  'SipToPstnMetered',
  'RingOutClientToSubscriber',
  'RingOutClientToCaller',
  'RingMe',
  'TransferCall',
  'SipToPstnUnmetered',
  'RingOutDeviceToSubscriber',
  'RingOutDeviceToCaller',
  'RingOutOneLegToCaller',
  'ExtensionToExtension',
  'CallPark',
  'PagingServer',
  'Hunting',
  'OutgoingFreeSpDl',
  'ParkLocation',
  'ConferenceCall',
  'MobileApp',
  'Monitoring',
  'MoveToConference',
  'Unknown',
] as const;
export type LegType = (typeof LEG_TYPES)[number];

export const INTERNAL_TYPES = [
  'Local',
  'LongDistance',
  'International',
  'Sip',
  'RingMe',
  'RingOut',
  'Usual',
  'TollFreeNumber',
  'VerificationNumber',
  'Vma',
  'LocalNumber',
  'ImsOutgoing',
  'ImsIncoming',
] as const;
export type InternalType = (typeof INTERNAL_TYPES)[number];
