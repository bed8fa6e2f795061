#!/usr/bin/env -S node --max-semi-space-size=64
// Runs the TypeScript sources directly through tsx's loader, so a checkout works with `npm ci` alone.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
