import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Turns `dist/` (the compiled sources) into the Cloud Functions source Terraform zips: a
 * package.json whose `main` registers every function, with the runtime dependencies only (the
 * nodejs22 runtime brings its own Node; dev tools stay out), and the lockfile so the build
 * installs exactly what was tested; and the Dockerfile the HTTP API service's image is built with.
 */
const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
const deployed = {
  name: manifest['name'],
  version: manifest['version'],
  private: true,
  type: 'module',
  main: 'functions/index.js',
  engines: { node: '22' },
  dependencies: manifest['dependencies'],
};
await writeFile(join(dist, 'package.json'), `${JSON.stringify(deployed, null, 2)}\n`);
await copyFile(join(root, 'package-lock.json'), join(dist, 'package-lock.json'));
// The API service's image is built from the same folder (infra/api-service.tf); the functions' zip leaves it out.
await copyFile(join(root, 'infra', 'api.Dockerfile'), join(dist, 'Dockerfile'));
process.stdout.write(`wrote ${join(dist, 'package.json')} (main functions/index.js)\n`);
