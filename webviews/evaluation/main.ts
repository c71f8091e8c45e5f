import { createPanelClient } from '../platform/panelClient';
import type { EvaluationContract } from './contract';
import { EvaluationPage } from './evalPage';

new EvaluationPage(document.getElementById('app') as HTMLElement, createPanelClient<EvaluationContract>());
