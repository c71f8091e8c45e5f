/**
 * The host side of charts.bench.ts, in its own process so SQLite can run under Node 24 (node:sqlite):
 * opens the store, then times "load and downsample" of one metric for every run as the chart panel
 * does it (readSampledHistories → the wire format), cold (new reader) and warm. Reads one JSON
 * argument, prints one JSON line. CPU time (this process, all threads) is reported next to wall
 * time: on a loaded machine wall time says more about the neighbours than about the code.
 */
import { loadavg } from 'node:os';
import { readSampledHistories } from '../../extension/core/charts/historyRead';
import { toWire, wireBytes } from '../../extension/core/charts/wire';
import { openStore } from '../../extension/core/store/openStore';
import { median, round } from './benchTiming';

interface Input {
  uri: string;
  runIds: string[];
  key: string;
  maxPoints: number;
  reps: number;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2]) as Input;
  const times: number[] = [];
  const cpu: number[] = [];
  const load0 = loadavg();
  let payload = 0;
  let points = 0;
  let logged = 0;
  for (let rep = 0; rep <= input.reps; rep++) {
    const store = await openStore(input.uri);
    const t = performance.now();
    const c = process.cpuUsage();
    const results = await readSampledHistories(store, input.runIds, input.key, { maxPoints: input.maxPoints });
    const wires = results.map((r) => toWire(r.series));
    times.push(performance.now() - t);
    const cu = process.cpuUsage(c);
    cpu.push((cu.user + cu.system) / 1000);
    const failed = results.find((r) => r.error);
    if (failed) throw new Error(`${failed.runId}: ${failed.error}`);
    payload = wires.reduce((n, w) => n + wireBytes(w), 0);
    points = results.reduce((n, r) => n + r.series.steps.length, 0);
    logged = results.reduce((n, r) => n + r.series.total, 0);
    await store.close?.();
  }
  const warm = times.slice(1);
  const warmCpu = cpu.slice(1);
  const load = (l: number[]) => l.map((x) => Math.round(x * 100) / 100);
  process.stdout.write(
    JSON.stringify({
      store_kind: input.uri.split(':')[0],
      cold_ms: round(times[0]),
      times_ms: warm.map(round),
      median_ms: round(median(warm.length ? warm : times)),
      cold_cpu_ms: round(cpu[0]),
      cpu_ms: warmCpu.map(round),
      median_cpu_ms: round(median(warmCpu.length ? warmCpu : cpu)),
      loadavg_before: load(load0),
      loadavg_after: load(loadavg()),
      payload_bytes: payload,
      points_sent: points,
      points_logged: logged,
      node: process.version,
    }) + '\n',
  );
}

main().catch((e) => {
  process.stderr.write(`chartLoadTimer: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
