import { runHandler } from './handler.js';

void runHandler(process.argv.slice(2));
