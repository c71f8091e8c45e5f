import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { createPanelClient } from '../platform/panelClient';
import { ChartsPage } from './chartsPage';
import type { ChartsContract } from './contract';

new ChartsPage(document.getElementById('app') as HTMLElement, createPanelClient<ChartsContract>());
