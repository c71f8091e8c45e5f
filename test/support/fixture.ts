import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './python';

/** The fixture written by real MLflow (scripts/make-fixtures.sh) and what MLflow reported about it. */
export const fixtureDir = join(repoRoot, 'test', 'fixtures', 'generated');
export const fixtureWorkspace = join(fixtureDir, 'workspace');
export const fixtureStore = join(fixtureWorkspace, 'mlruns');

export interface ExpectedMetric {
  key: string;
  value: number | string | null; // null = NaN, 'inf'/'-inf' for infinities (as the generator writes them)
  timestamp: number;
  step: number;
}

export interface ExpectedRun {
  run_id: string;
  experiment_id: string;
  run_name: string;
  status: string;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: string;
  artifact_uri: string;
  user_id: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, ExpectedMetric>;
  history: Record<string, ExpectedMetric[]>;
}

export interface Expected {
  tracking_uri: string;
  mlflow_version: string;
  experiments: { experiment_id: string; name: string; lifecycle_stage: string; artifact_location: string; creation_time: number; last_update_time: number; tags: Record<string, string> }[];
  runs: ExpectedRun[];
  active_runs: string[];
  parent_run_id: string;
  /** Only in the real-VS-Code workspace: the experiment make_many_runs.py adds (runs run-0000 …). */
  many_runs?: { experiment_id: string; name: string; count: number };
  artifacts: Record<'root' | 'config' | 'plots', { path: string; is_dir: boolean; file_size: number | null }[]>;
  registered_models: {
    name: string;
    description: string | null;
    tags: Record<string, string>;
    aliases: Record<string, string>;
    creation_timestamp: number;
    last_updated_timestamp: number;
    latest_versions: string[];
    versions: { version: string; current_stage: string; source: string; run_id: string; status: string; description: string | null; aliases: string[]; tags: Record<string, string> }[];
  }[];
}

export function loadExpected(): Expected {
  const p = join(fixtureDir, 'expected.json');
  if (!existsSync(p)) throw new Error(`missing ${p}: run scripts/make-fixtures.sh first (it needs the mlflow venv)`);
  return JSON.parse(readFileSync(p, 'utf8')) as Expected;
}

/** Expected metric value as a JS number (the generator encodes NaN as null and infinities as strings). */
export function expectedValue(v: number | string | null): number {
  if (v === null) return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return Number(v);
}

/** A private copy of the fixture store, for tests that damage or change it. */
export function copyFixtureStore(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-store-'));
  const dest = join(dir, 'mlruns');
  cpSync(fixtureStore, dest, { recursive: true });
  return dest;
}
