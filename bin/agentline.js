#!/usr/bin/env node
// The CLI runs its TypeScript sources directly (Node >= 22.18 strips types); see README.
import '../cli/main.ts';
