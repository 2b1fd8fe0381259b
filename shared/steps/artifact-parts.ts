import type { ArtifactPart, Content, Part } from '../domain/content.ts';
import { TransientError } from '../domain/errors.ts';
import type { Run } from '../domain/run.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRequest } from '../ports/model-client.ts';
import { artifactScopeOfRun } from '../domain/artifacts/run-scope.ts';

/**
 * The request with every file a function response shows (`functionResponse.artifacts`) read from
 * the artifact store into Gemini inline data (docs/architecture.md, "Artifacts"). Gemini 3 takes
 * them inside the function response (multimodal function responses); earlier models get them as
 * parts after the function responses of the same turn, which they accept. A file that is gone
 * becomes a line of text saying so, never a failed run.
 */
export async function withArtifactParts(request: ModelRequest, run: Run, artifacts: ArtifactStore | undefined): Promise<ModelRequest> {
  if (!request.contents.some((content) => content.parts.some((part) => part.functionResponse?.artifacts?.length))) return request;
  const scope = artifactScopeOfRun(run);
  const inside = /^gemini-3/.test(request.model);
  const read = async (artifact: ArtifactPart): Promise<Part> => {
    const found = await artifacts?.load(scope, artifact.name, artifact.version).catch((error: unknown) => {
      throw new TransientError(`Could not read ${artifact.name} from the artifact store: ${(error as Error).message}`, { cause: error });
    });
    if (!found) return { text: `(${artifact.name} version ${artifact.version} is no longer available)` };
    return { inlineData: { mimeType: artifact.contentType, data: found.data.toString('base64') } };
  };
  const contents = await Promise.all(
    request.contents.map(async (content): Promise<Content> => {
      if (!content.parts.some((part) => part.functionResponse?.artifacts?.length)) return content;
      const parts: Part[] = [];
      const after: Part[] = [];
      for (const part of content.parts) {
        const { artifacts: shown, ...response } = part.functionResponse ?? {};
        if (!part.functionResponse || !shown?.length) {
          parts.push(part);
          continue;
        }
        const loaded = await Promise.all(shown.map(read));
        const media = loaded.filter((item) => item.inlineData !== undefined);
        if (inside) {
          parts.push({ ...part, functionResponse: { ...response, parts: media.map((item) => ({ inlineData: item['inlineData'] })) } as Part['functionResponse'] });
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
