// A uPlot chart that follows its container's width and the light/dark palette, with a text summary for screen readers.

import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  color: string;
  bars?: boolean;
  /** Values on the right-hand axis (percent). */
  percent?: boolean;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

export function Chart(props: {
  title: string;
  summary: string;
  x: number[];
  series: Series[];
  values: (number | null)[][];
  /** x values are epoch seconds (time axis) unless labels are given. */
  labels?: string[];
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const fg = cssVar('--muted');
    const grid = cssVar('--line');
    const hasPercent = props.series.some((s) => s.percent);
    const hasCounts = props.series.some((s) => !s.percent);
    // Bars need half a step of room at both ends; counts start at zero.
    const step = props.x.length > 1 ? props.x[1] - props.x[0] : 1;
    const xRange = (): [number, number] => [props.x[0] - step / 2, props.x[props.x.length - 1] + step / 2];
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const bars = uPlot.paths.bars!({ size: [0.7, 40] });
    const options: Options = {
      width: Math.max(280, el.clientWidth),
      height: props.height ?? 240,
      scales: {
        x: { time: !props.labels, range: props.x.length ? xRange : undefined },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
        pct: { range: [0, 100] },
      },
      legend: { show: true },
      axes: [
        {
          ...axis,
          ...(props.labels ? { values: (_u: uPlot, ticks: number[]) => ticks.map((t) => props.labels![t] ?? '') } : {}),
        },
        ...(hasCounts ? [{ ...axis }] : []),
        ...(hasPercent
          ? [
              {
                ...axis,
                scale: 'pct',
                side: hasCounts ? 1 : 3,
                grid: { show: !hasCounts, stroke: grid, width: 1 },
                values: (_u: uPlot, t: number[]) => t.map((v) => `${v}%`),
              },
            ]
          : []),
      ],
      series: [
        { label: props.labels ? 'Hour' : 'Time', value: props.labels ? (_u, v) => props.labels![v] ?? '' : undefined },
        ...props.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.bars ? 0 : 2,
          fill: s.bars ? s.color : undefined,
          paths: s.bars ? bars : undefined,
          scale: s.percent ? 'pct' : 'y',
          points: { show: false },
        })),
      ],
    };
    const plot = new uPlot(options, [props.x, ...props.values] as AlignedData, el);
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(280, el.clientWidth), height: props.height ?? 240 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.x, props.values]);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={box} role="img" aria-label={`${props.title}. ${props.summary}`} />
    </figure>
  );
}
