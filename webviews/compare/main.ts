import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import { createPanelClient } from '../platform/panelClient';
import { ComparePage } from './comparePage';
import type { CompareContract } from './contract';

new ComparePage(document.getElementById('app') as HTMLElement, createPanelClient<CompareContract>());
