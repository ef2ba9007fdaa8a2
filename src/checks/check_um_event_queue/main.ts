import { runPlugin } from '../../lib/plugin.js';
import { definition } from './definition.js';

void runPlugin(definition);
