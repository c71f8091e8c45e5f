import { createPanelClient } from '../platform/panelClient';
import type { TryItContract } from './contract';
import { TryItPage } from './page';

new TryItPage(document.getElementById('app') as HTMLElement, createPanelClient<TryItContract>());
