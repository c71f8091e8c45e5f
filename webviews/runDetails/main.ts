import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import { createPanelClient } from '../platform/panelClient';
import type { RunDetailsContract } from './contract';
import { RunDetailsPage } from './page';

new RunDetailsPage(document.getElementById('app') as HTMLElement, createPanelClient<RunDetailsContract>());
