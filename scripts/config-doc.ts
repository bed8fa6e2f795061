import { writeFileSync } from 'node:fs';
import { configReference } from '../src/core/config-doc.js';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), configReference());
