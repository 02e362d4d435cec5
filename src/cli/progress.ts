// Progress reporting: a bar with rate and ETA on a terminal, plain periodic lines otherwise (on stderr).

import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number): void;
  stop(): void;
}

export function createProgress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
        stream,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    const started = Date.now();
    bar.start(total, 0, { rate: 0 });
    return {
      update(done) {
        const seconds = (Date.now() - started) / 1000;
        bar.update(done, { rate: seconds > 0 ? Math.round(done / seconds) : 0 });
      },
      stop: () => bar.stop(),
    };
  }
  const started = Date.now();
  let last = 0;
  return {
    update(done) {
      const now = Date.now();
      if (now - last < 2000) return;
      last = now;
      const rate = Math.round(done / Math.max((now - started) / 1000, 0.001));
      const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
      stream.write(`${label}: ${done}/${total} (${rate}/s, ETA ${eta}s)\n`);
    },
    stop() {
      const seconds = (Date.now() - started) / 1000;
      stream.write(`${label}: done in ${seconds.toFixed(1)}s\n`);
    },
  };
}
