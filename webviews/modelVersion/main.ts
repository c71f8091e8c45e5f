import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { createPanelClient } from '../platform/panelClient';
import type { ModelVersionContract } from './contract';
import { ModelVersionPage } from './page';

new ModelVersionPage(document.getElementById('app') as HTMLElement, createPanelClient<ModelVersionContract>());
