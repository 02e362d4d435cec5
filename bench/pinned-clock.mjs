// Preloaded (node --import) into `ringlog seed` by the benchmarks: pins Date.now() to RINGLOG_BENCH_NOW so the
// history the command generates ("ending now") ends at a known time, and the raw baseline can generate the very
// same records. With --json nothing else in `ringlog seed` reads the clock (its timing uses performance.now()).

const pinned = Number(process.env.RINGLOG_BENCH_NOW);
if (Number.isFinite(pinned)) Date.now = () => pinned;
