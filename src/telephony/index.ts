// What other modules may use from telephony: recording audio synthesis and the company/traffic generator.
export { synthesizeRecording, parseByteRange, type AudioContent } from './recording-audio.ts';
export {
  generateCompany, generateTraffic,
  type SeedOptions, type GeneratedCompany, type TrafficBatch, type CallQueue, type UserCallSettings,
} from './company-generator.ts';
export { SeededRandom } from './seeded-random.ts';
