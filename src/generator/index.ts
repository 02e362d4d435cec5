// What other modules may use from the generator: recording audio synthesis and the synthetic company and its traffic.
export { encodedSegments, synthesizeRecording, warmRecordingAudio, type AudioContent } from './recording-audio.ts';
export {
  generateCompany,
  generateTraffic,
  type SeedOptions,
  type GeneratedCompany,
  type TrafficBatch,
  type CallQueue,
  type UserCallSettings,
} from './company-generator.ts';
export { SeededRandom } from '../domain/index.ts';
export { seedStore, DEFAULT_SEED, type SeedTarget, type SeedSummary } from './seed-store.ts';
export {
  startSimulator,
  companyFromDirectory,
  defaultCallsPerMinute,
  type Simulator,
  type SimulatorOptions,
} from './live-simulator.ts';
