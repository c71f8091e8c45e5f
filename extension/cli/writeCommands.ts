import { experimentJson, modelVersionJson, runJson } from '../core/model/cliJson';
import type { Experiment } from '../core/model/entities';
import { aliasNameProblem, normaliseStage } from '../core/model/registryRules';
import { experimentNameProblem, runNameProblem, tagKeyProblem, tagValueProblem } from '../core/model/trackingRules';
import { isStoreError } from '../core/store/errors';
import type { Store } from '../core/store/openStore';
import { redactUri } from '../core/store/trackingUri';
import { ArgsError, type ParsedArgs } from './args';

/**
 * `mlwb` write actions for CI pipelines: experiments, runs, run tags, aliases and stages. Each one
 * checks its input with MLflow's rules before the store is opened, writes through the same store
 * code as the extension, then reads the result back from the store and prints it (`--json`: the
 * entity's JSON, as `mlwb experiments/runs/models` print it).
 */

export const WRITE_USAGE = `write actions (print the changed item; --json for its JSON):
  experiment create --name NAME [--artifact-location URI]   create an experiment
  experiment rename --experiment ID_OR_NAME --name NEW      rename an experiment
  experiment delete --experiment ID_OR_NAME                 mark an experiment and its runs deleted
  experiment restore --experiment ID_OR_NAME                restore a deleted experiment (and its runs)
  run rename --run ID --name NAME                           rename a run
  run delete --run ID | run restore --run ID                mark a run deleted / restore it
  run set-tag --run ID --key K --value V                    set (add or change) a run tag
  run delete-tag --run ID --key K                           delete a run tag
  alias set --model NAME --alias A --version N              point an alias at a version (moves it)
  alias remove --model NAME --alias A                       remove an alias
  stage --model NAME --version N --stage STAGE              move a version to None, Staging, Production
        [--archive-existing]                               or Archived (archive others in that stage)
  (all take [--store URI] [--python PATH] [--json])`;

const COMMON = ['store', 'json', 'python'];

/** Options of each write action, keyed by "command verb" ("stage" has no verb). */
export const WRITE_ACTIONS: Record<string, string[]> = {
  'experiment create': [...COMMON, 'name', 'artifact-location'],
  'experiment rename': [...COMMON, 'experiment', 'name'],
  'experiment delete': [...COMMON, 'experiment'],
  'experiment restore': [...COMMON, 'experiment'],
  'run rename': [...COMMON, 'run', 'name'],
  'run delete': [...COMMON, 'run'],
  'run restore': [...COMMON, 'run'],
  'run set-tag': [...COMMON, 'run', 'key', 'value'],
  'run delete-tag': [...COMMON, 'run', 'key'],
  'alias set': [...COMMON, 'model', 'alias', 'version'],
  'alias remove': [...COMMON, 'model', 'alias'],
  stage: [...COMMON, 'model', 'version', 'stage', 'archive-existing'],
};

export const WRITE_COMMANDS = new Set(['experiment', 'run', 'alias', 'stage']);

/** Input MLflow would refuse: exit code 2 with MLflow's rule, nothing opened or written. */
export class RuleError extends Error {}

/** "experiment create" from argv; throws ArgsError for an unknown verb. */
export function writeAction(command: string, rest: string[]): { action: string; argv: string[] } {
  if (command === 'stage') return { action: 'stage', argv: rest };
  const [verb, ...argv] = rest;
  const action = `${command} ${verb ?? ''}`;
  if (!verb || !(action in WRITE_ACTIONS)) {
    const verbs = Object.keys(WRITE_ACTIONS).filter((a) => a.startsWith(`${command} `)).map((a) => a.slice(command.length + 1));
    throw new ArgsError(`${command} needs one of: ${verbs.join(', ')}${verb ? ` (got '${verb}')` : ''}`);
  }
  return { action, argv };
}

/** One value of an option (--run is repeatable for other commands, so it may sit in `lists`). */
function value(args: ParsedArgs, name: string): string | undefined {
  const list = args.lists[name];
  if (list && list.length > 1) throw new ArgsError(`--${name} can be given only once here`);
  const v = list ? list[0] : args.options[name];
  return typeof v === 'string' ? v : undefined;
}

function need(args: ParsedArgs, name: string): string {
  const v = value(args, name);
  if (v === undefined) throw new ArgsError(`--${name} is required`);
  return v;
}

function rule(problem: string | undefined, what: string): void {
  if (problem) throw new RuleError(`${what}: ${problem}`);
}

/** Checks what can be checked without a store (MLflow's name rules), before anything is opened. */
export function checkWriteArgs(action: string, args: ParsedArgs): void {
  switch (action) {
    case 'experiment create':
      return rule(experimentNameProblem(need(args, 'name')), 'invalid experiment name');
    case 'experiment rename':
      need(args, 'experiment');
      return rule(experimentNameProblem(need(args, 'name')), 'invalid experiment name');
    case 'experiment delete':
    case 'experiment restore':
      need(args, 'experiment');
      return;
    case 'run rename':
      need(args, 'run');
      return rule(runNameProblem(need(args, 'name')), 'invalid run name');
    case 'run delete':
    case 'run restore':
      need(args, 'run');
      return;
    case 'run set-tag':
      need(args, 'run');
      rule(tagKeyProblem(need(args, 'key')), 'invalid tag key');
      return rule(tagValueProblem(need(args, 'value'), 'run'), 'invalid tag value');
    case 'run delete-tag':
      need(args, 'run');
      return rule(tagKeyProblem(need(args, 'key')), 'invalid tag key');
    case 'alias set':
      need(args, 'model');
      need(args, 'version');
      return rule(aliasNameProblem(need(args, 'alias')), 'invalid alias');
    case 'alias remove':
      need(args, 'model');
      need(args, 'alias');
      return;
    case 'stage': {
      need(args, 'model');
      need(args, 'version');
      const s = need(args, 'stage');
      if (!normaliseStage(s)) throw new RuleError(`invalid stage '${s}': one of None, Staging, Production, Archived`);
      return;
    }
  }
}

/** By name first (deleted experiments too, as MLflow's get_experiment_by_name), then by id. */
async function findExperiment(store: Store, idOrName: string): Promise<Experiment> {
  const byName = await store.getExperimentByName(idOrName);
  if (byName) return byName;
  try {
    return await store.getExperiment(idOrName);
  } catch (e) {
    if (isStoreError(e, 'RESOURCE_DOES_NOT_EXIST') || isStoreError(e, 'INVALID_PARAMETER_VALUE')) {
      throw new Error(`experiment '${idOrName}' not found (by name or id) in ${redactUri(store.uri)}`);
    }
    throw e;
  }
}

export interface WriteResult {
  json: unknown;
  text: string;
}

/** Performs the action (already checked by checkWriteArgs) and reads the result back. */
export async function runWriteAction(action: string, args: ParsedArgs, store: Store): Promise<WriteResult> {
  const opt = (name: string) => need(args, name);
  const experiment = async (id: string, verb: string): Promise<WriteResult> => {
    const e = await store.getExperiment(id);
    return { json: experimentJson(e), text: `experiment ${e.experimentId} '${e.name}' ${verb} (${e.lifecycleStage})` };
  };
  const run = async (id: string, verb: string): Promise<WriteResult> => {
    const r = await store.getRun(id);
    return { json: runJson(r), text: `run ${r.info.runId} '${r.info.runName}' ${verb} (${r.info.lifecycleStage})` };
  };
  const version = async (name: string, v: string, verb: string): Promise<WriteResult> => {
    const mv = await store.getModelVersion(name, v);
    const aliases = mv.aliases.length ? ` @${mv.aliases.join(' @')}` : '';
    return { json: modelVersionJson(mv), text: `model '${mv.name}' version ${mv.version} ${verb} (stage ${mv.currentStage}${aliases})` };
  };
  switch (action) {
    case 'experiment create': {
      const loc = value(args, 'artifact-location');
      const id = await store.createExperiment(opt('name'), loc ? { artifactLocation: loc } : {});
      return experiment(id, 'created');
    }
    case 'experiment rename': {
      const e = await findExperiment(store, opt('experiment'));
      await store.renameExperiment(e.experimentId, opt('name'));
      return experiment(e.experimentId, 'renamed');
    }
    case 'experiment delete': {
      const e = await findExperiment(store, opt('experiment'));
      await store.deleteExperiment(e.experimentId);
      return experiment(e.experimentId, 'deleted');
    }
    case 'experiment restore': {
      const e = await findExperiment(store, opt('experiment'));
      await store.restoreExperiment(e.experimentId);
      return experiment(e.experimentId, 'restored');
    }
    case 'run rename':
      await store.updateRun(opt('run'), { runName: opt('name') });
      return run(opt('run'), 'renamed');
    case 'run delete':
      await store.deleteRun(opt('run'));
      return run(opt('run'), 'deleted');
    case 'run restore':
      await store.restoreRun(opt('run'));
      return run(opt('run'), 'restored');
    case 'run set-tag':
      await store.logBatch(opt('run'), { tags: [{ key: opt('key'), value: opt('value') }] });
      return run(opt('run'), `tagged ${opt('key')}`);
    case 'run delete-tag':
      await store.deleteTag(opt('run'), opt('key'));
      return run(opt('run'), `untagged ${opt('key')}`);
    case 'alias set':
      await store.setRegisteredModelAlias(opt('model'), opt('alias'), opt('version'));
      return version(opt('model'), opt('version'), `now @${opt('alias')}`);
    case 'alias remove': {
      const held = await store.getModelVersionByAlias(opt('model'), opt('alias'));
      await store.deleteRegisteredModelAlias(opt('model'), opt('alias'));
      return version(opt('model'), held.version, `no longer @${opt('alias')}`);
    }
    case 'stage': {
      const stage = normaliseStage(opt('stage'))!;
      await store.transitionModelVersionStage(opt('model'), opt('version'), stage, args.options['archive-existing'] === true);
      return version(opt('model'), opt('version'), `moved to ${stage}`);
    }
    default:
      throw new ArgsError(`unknown write action '${action}'`);
  }
}
