'use client';

import { Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface RunRateChartProps {
  /** ISO time of the first point: the run-rate in force then is `startMicros`. */
  since: string;
  startMicros: string;
  points: Array<{ at: string; runRateMicros: string }>;
  /** Drawn as a line when the node has a budget. */
  capMicros: string | null;
  /** The current run-rate, drawn up to now. */
  nowMicros: string;
}

// Display only: the chart needs numbers, and dollars to a tenth of a cent are exact enough to draw.
const dollars = (micros: string) => Number(BigInt(micros) / 1000n) / 1000;
const money = (v: number) => `$${v.toFixed(v > 0 && v < 0.01 ? 3 : 2)}`;
const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(5, 16);

/** The run-rate as a step line: it changes only when an admitted change moves it. */
export function RunRateChart({ since, startMicros, points, capMicros, nowMicros }: RunRateChartProps) {
  const data = [
    { t: new Date(since).getTime(), v: dollars(startMicros) },
    ...points.map((p) => ({ t: new Date(p.at).getTime(), v: dollars(p.runRateMicros) })),
    { t: Date.now(), v: dollars(nowMicros) },
  ];
  const cap = capMicros === null ? null : dollars(capMicros);
  const top = Math.max(cap ?? 0, ...data.map((d) => d.v)) * 1.15 || 1;
  return (
    <figure style={{ margin: 0 }} aria-label="Run-rate over time" data-testid="run-rate-chart">
      <div style={{ width: '100%', height: 220 }}>
        <ResponsiveContainer>
          <LineChart data={data} margin={{ top: 10, right: 16, bottom: 0, left: 8 }}>
            <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={time} fontSize={11} />
            <YAxis domain={[0, top]} tickFormatter={money} fontSize={11} width={64} />
            <Tooltip labelFormatter={(l) => `${time(Number(l))} UTC`} formatter={(v) => [`${money(Number(v))}/mo`, 'run-rate']} />
            {cap !== null ? <ReferenceLine y={cap} stroke="#c53030" strokeDasharray="4 3" label={{ value: `budget ${money(cap)}`, fontSize: 11 }} /> : null}
            <Line type="stepAfter" dataKey="v" stroke="#2b6cb0" strokeWidth={2} dot={points.length < 40} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="small muted">
        {points.length === 0 ? 'No change in this period.' : `${points.length} change${points.length === 1 ? '' : 's'} in this period.`}
      </figcaption>
    </figure>
  );
}
