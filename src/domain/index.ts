// What other modules may use from the domain: the record model, enumerations, query model, directory and errors.
export * from './enums.ts';
export * from './errors.ts';
export * from './date-time.ts';
export * from './call-log-record.ts';
export * from './call-log-query.ts';
export * from './directory.ts';
export * from './recording.ts';
export * from './rate-limits.ts';
export * from './auth-backoff.ts';
export * from './call-log-wire.ts';
export * from './prepared-json-edits.ts';
export * from './retention-policy.ts';
export * from './seeded-random.ts';
export * from './call-facts.ts';
export * from './telephony-event.ts';
export * from './telephony-session.ts';
