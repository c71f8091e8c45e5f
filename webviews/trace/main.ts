import { createPanelClient } from '../platform/panelClient';
import type { TraceContract } from './contract';
import { TracePage } from './page';

new TracePage(document.getElementById('app') as HTMLElement, createPanelClient<TraceContract>());
