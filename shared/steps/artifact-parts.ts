import { artifactPartSchema, type ArtifactPart, type Content, type Part } from '../domain/content.ts';
import { isPrivateArtifactName } from '../domain/code-execution/code-execution.ts';
import { InvalidInputError, TransientError } from '../domain/errors.ts';
import type { Run } from '../domain/run.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRequest } from '../ports/model-client.ts';
import { artifactScopeOfRun } from '../domain/artifacts/run-scope.ts';
import { essenceOf, inlineMismatch, isInlineType } from '../domain/artifacts/inline-media.ts';
import type { ArtifactScope } from '../domain/artifacts/artifact.ts';

/**
 * The most bytes of files one request carries inline. Gemini refuses a request over 20 MB, and
 * inline data travels as base64 (a third larger): 12 MiB of files is 16 MiB of request, leaving
 * room for the conversation itself.
 */
export const inlineBudgetBytes = 12 * 1024 * 1024;

/**
 * The request with every file the conversation refers to read from the artifact store into
 * Gemini inline data (docs/architecture.md, "Artifacts"): a run's input files (parts
 * `{artifact}`), and what function responses show (`functionResponse.artifacts`). Gemini 3 takes
 * a function response's files inside it (multimodal function responses); earlier models get them
 * as parts after the function responses of the same turn, which they accept.
 *
 * A file is inlined only when Gemini reads its type inline and its bytes are that type (an image
 * or PDF by its signature, text as UTF-8), and while the request's inline budget lasts, spent on
 * the newest files first; any other file — gone, of another type, not what its name says, past
 * the budget — becomes a line of text saying so, never a failed run. The same conversation and
 * store give the same request every time.
 */
export async function withArtifactParts(request: ModelRequest, run: Run, artifacts: ArtifactStore | undefined): Promise<ModelRequest> {
  if (!request.contents.some(refersToFiles)) return request;
  const scope = artifactScopeOfRun(run);
  const references = referencesOf(request.contents);
  const resolved = new Map<string, Part>();
  let remaining = inlineBudgetBytes;
  for (const [at, reference] of [...references].reverse()) {
    const { part, bytes } = await resolveFile(artifacts, scope, reference, remaining);
    resolved.set(at, part);
    remaining -= bytes;
  }
  const inside = /^gemini-3/.test(request.model);
  const contents = request.contents.map((content, contentIndex): Content => {
    if (!refersToFiles(content)) return content;
    const parts: Part[] = [];
    const after: Part[] = [];
    content.parts.forEach((part, partIndex) => {
      if (artifactPartSchema.safeParse(part['artifact']).success) {
        parts.push(resolved.get(`${contentIndex}/${partIndex}`)!);
        return;
      }
      const { artifacts: shown, ...response } = part.functionResponse ?? {};
      if (!part.functionResponse || !shown?.length) {
        parts.push(part);
        return;
      }
      const loaded = shown.map((_, shownIndex) => resolved.get(`${contentIndex}/${partIndex}/${shownIndex}`)!);
      if (inside) {
        const media = loaded.filter((item) => item.inlineData !== undefined).map((item) => ({ inlineData: item['inlineData'] }));
        parts.push({ ...part, functionResponse: { ...response, parts: media } as Part['functionResponse'] });
        after.push(...loaded.filter((item) => item.inlineData === undefined));
      } else {
        parts.push({ ...part, functionResponse: response as NonNullable<Part['functionResponse']> });
        after.push(...loaded);
      }
    });
    return { ...content, parts: [...parts, ...after] };
  });
  return { ...request, contents };
}

/** Every file reference in the conversation, oldest first, by its place (`content/part[/shown]`). */
function referencesOf(contents: readonly Content[]): [string, ArtifactPart][] {
  return contents.flatMap((content, contentIndex) =>
    content.parts.flatMap((part, partIndex): [string, ArtifactPart][] => {
      const file = artifactPartSchema.safeParse(part['artifact']);
      if (file.success) return [[`${contentIndex}/${partIndex}`, file.data]];
      return (part.functionResponse?.artifacts ?? []).map((shown, shownIndex) => [`${contentIndex}/${partIndex}/${shownIndex}`, shown]);
    }),
  );
}

/** One file as a part, and the inline bytes it spends. */
async function resolveFile(artifacts: ArtifactStore | undefined, scope: ArtifactScope, file: ArtifactPart, remaining: number): Promise<{ part: Part; bytes: number }> {
  const named = `${file.name} version ${file.version}`;
  const note = (text: string) => ({ part: { text: `(${named} ${text})` }, bytes: 0 });
  // The browser's cookies and code execution's records are no one's files, whatever a reference claims.
  if (isPrivateArtifactName(file.name)) return note('is a record the pipeline keeps for itself, not shown');
  if (!isInlineType(file.contentType)) return note(`is ${essenceOf(file.contentType)}, which the model does not read inline; code can read it by name, in execute_code's input_files`);
  const metadata = await storeRead(file, () => artifacts?.metadata(scope, file.name, file.version));
  if (!metadata) return note('is not available');
  if (metadata.bytes > remaining) return note(`(${metadata.bytes} bytes) is not shown, to keep the request within the model's size limit; code can read it by name`);
  const found = await storeRead(file, () => artifacts?.load(scope, file.name, file.version));
  if (!found) return note('is not available');
  const mismatch = inlineMismatch(found.metadata.contentType, found.data);
  if (mismatch) return note(`is not shown: ${mismatch}`);
  return { part: { inlineData: { mimeType: essenceOf(found.metadata.contentType), data: found.data.toString('base64') } }, bytes: found.data.length };
}

/** A store read; a name no artifact can have is simply not there, and any other failure is tried again. */
async function storeRead<T>(file: ArtifactPart, read: () => Promise<T> | undefined): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof InvalidInputError) return undefined;
    throw new TransientError(`Could not read ${file.name} from the artifact store: ${(error as Error).message}`, { cause: error });
  }
}

function refersToFiles(content: Content): boolean {
  return content.parts.some((part) => part['artifact'] !== undefined || (part.functionResponse?.artifacts?.length ?? 0) > 0);
}
