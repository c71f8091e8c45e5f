import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { createPanelClient } from '../platform/panelClient';
import type { RunsTableContract } from './contract';
import { RunsTable } from './table';

new RunsTable(document.getElementById('app') as HTMLElement, createPanelClient<RunsTableContract>());
