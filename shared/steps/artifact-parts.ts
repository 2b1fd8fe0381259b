import { artifactPartSchema, type ArtifactPart, type Content, type Part } from '../domain/content.ts';
import { TransientError } from '../domain/errors.ts';
import type { Run } from '../domain/run.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRequest } from '../ports/model-client.ts';
import { artifactScopeOfRun } from '../domain/artifacts/run-scope.ts';

/**
 * The request with every file the conversation refers to read from the artifact store into
 * Gemini inline data (docs/architecture.md, "Artifacts"): a run's input files (parts
 * `{artifact}`), and what function responses show (`functionResponse.artifacts`). Gemini 3 takes
 * a function response's files inside it (multimodal function responses); earlier models get them
 * as parts after the function responses of the same turn, which they accept. A file that is gone
 * becomes a line of text saying so, never a failed run.
 */
export async function withArtifactParts(request: ModelRequest, run: Run, artifacts: ArtifactStore | undefined): Promise<ModelRequest> {
  if (!request.contents.some(refersToFiles)) return request;
  const scope = artifactScopeOfRun(run);
  const inside = /^gemini-3/.test(request.model);
  const read = async (artifact: ArtifactPart): Promise<Part> => {
    const found = await artifacts?.load(scope, artifact.name, artifact.version).catch((error: unknown) => {
      throw new TransientError(`Could not read ${artifact.name} from the artifact store: ${(error as Error).message}`, { cause: error });
    });
    if (!found) return { text: `(${artifact.name} version ${artifact.version} is not available)` };
    return { inlineData: { mimeType: artifact.contentType, data: found.data.toString('base64') } };
  };
  const contents = await Promise.all(
    request.contents.map(async (content): Promise<Content> => {
      if (!refersToFiles(content)) return content;
      const parts: Part[] = [];
      const after: Part[] = [];
      for (const part of content.parts) {
        const file = artifactPartSchema.safeParse(part['artifact']);
        if (file.success) {
          parts.push(await read(file.data));
          continue;
        }
        const { artifacts: shown, ...response } = part.functionResponse ?? {};
        if (!part.functionResponse || !shown?.length) {
          parts.push(part);
          continue;
        }
        const loaded = await Promise.all(shown.map(read));
        if (inside) {
          const media = loaded.filter((item) => item.inlineData !== undefined).map((item) => ({ inlineData: item['inlineData'] }));
          parts.push({ ...part, functionResponse: { ...response, parts: media } as Part['functionResponse'] });
          after.push(...loaded.filter((item) => item.inlineData === undefined));
        } else {
          parts.push({ ...part, functionResponse: response as NonNullable<Part['functionResponse']> });
          after.push(...loaded);
        }
      }
      return { ...content, parts: [...parts, ...after] };
    }),
  );
  return { ...request, contents };
}

function refersToFiles(content: Content): boolean {
  return content.parts.some((part) => part['artifact'] !== undefined || (part.functionResponse?.artifacts?.length ?? 0) > 0);
}
