import { createPanelClient } from '../platform/panelClient';
import type { PlaygroundContract } from './contract';
import { PlaygroundPage } from './page';

new PlaygroundPage(document.getElementById('app') as HTMLElement, createPanelClient<PlaygroundContract>());
