import { startPlugin } from '../../lib/plugin.js';
import { definition } from './definition.js';

startPlugin(definition);
