/**
 * Messages between the extension host and the webviews: one definition compiled into both sides.
 * Webviews never talk to a tracking server themselves (MLflow's CORS middleware blocks a webview
 * origin, and secrets stay in the host); the host sends them plain data.
 */

export interface RunDetailsData {
  runId: string;
  runName: string;
  experimentId: string;
  experimentName: string;
  status: string;
  lifecycleStage: string;
  userId: string;
  startTime: string;
  endTime: string;
  duration: string;
  artifactUri: string;
  note: string;
  parentRunId: string;
  /** The parent's name when it could be read; '' otherwise. */
  parentRunName: string;
  params: [string, string][];
  /** key, latest value formatted, step, timestamp formatted */
  metrics: [string, string, number, string][];
  tags: [string, string][];
  artifacts: { path: string; isDir: boolean; size: string }[];
  artifactsError?: string;
  /** False while the panel is the preview (the next click elsewhere replaces its run). */
  pinned: boolean;
}

export type HostToRunDetails = { type: 'runDetails'; data: RunDetailsData } | { type: 'error'; message: string };

export type RunDetailsToHost =
  | { type: 'ready' }
  | { type: 'copy'; text: string }
  | { type: 'openArtifact'; path: string }
  | { type: 'refresh' }
  | { type: 'openRun'; runId: string }
  | { type: 'pin' };

/** Persisted with the panel so it survives a window reload. */
export interface RunDetailsState {
  runId: string;
  pinned?: boolean;
}
