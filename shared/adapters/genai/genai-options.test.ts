import { GoogleGenAI } from '@google/genai';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { userText } from '../../domain/content.ts';
import { InvalidInputError } from '../../domain/errors.ts';
import { textReply } from '../../testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../../testing/gemini-wire-server.ts';
import { GenAiModelClient } from './genai-model-client.ts';
import { genAiOptionsFromEnv } from './genai-options.ts';

describe('genAiOptionsFromEnv', () => {
  it.each<[string, Record<string, string>]>([
    ['a Gemini API key', { GEMINI_API_KEY: 'k' }],
    ['a Google API key', { GOOGLE_API_KEY: 'k' }],
    ['Vertex AI with a project', { GOOGLE_GENAI_USE_VERTEXAI: 'true', GOOGLE_CLOUD_PROJECT: 'p', GOOGLE_CLOUD_LOCATION: 'us-central1' }],
    ['Vertex AI express mode with an API key', { GOOGLE_GENAI_USE_VERTEXAI: 'TRUE', GOOGLE_API_KEY: 'k' }],
    ['Vertex AI behind a custom base URL', { GOOGLE_GENAI_USE_VERTEXAI: 'true', GOOGLE_VERTEX_BASE_URL: 'http://127.0.0.1:1' }],
  ])('accepts %s and leaves every value for the SDK to read', (_name, env) => {
    expect(genAiOptionsFromEnv(env)).toEqual({});
  });

  it.each<[string, Record<string, string>, string]>([
    ['an empty environment', {}, 'GEMINI_API_KEY'],
    ['a blank key', { GEMINI_API_KEY: '  ' }, 'GEMINI_API_KEY'],
    ['a base URL without a key', { GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:1' }, 'GEMINI_API_KEY'],
    ['Vertex AI without a project', { GOOGLE_GENAI_USE_VERTEXAI: 'true', GOOGLE_CLOUD_LOCATION: 'us-central1' }, 'GOOGLE_CLOUD_PROJECT'],
    ['Vertex AI switched on by the enterprise flag', { GOOGLE_GENAI_USE_ENTERPRISE: 'true', GEMINI_API_KEY: '' }, 'GOOGLE_CLOUD_PROJECT'],
  ])('rejects %s, naming the variable to set', (_name, env, variable) => {
    expect(() => genAiOptionsFromEnv(env)).toThrowError(InvalidInputError);
    expect(() => genAiOptionsFromEnv(env)).toThrowError(variable);
  });
});

describe('the SDK reading its own environment', () => {
  const sdkVariables = [
    'GEMINI_API_KEY',
    'GOOGLE_API_KEY',
    'GOOGLE_GENAI_USE_VERTEXAI',
    'GOOGLE_GENAI_USE_ENTERPRISE',
    'GOOGLE_CLOUD_PROJECT',
    'GOOGLE_CLOUD_LOCATION',
    'GOOGLE_GEMINI_BASE_URL',
    'GOOGLE_VERTEX_BASE_URL',
    'GOOGLE_GENAI_API_VERSION',
  ];
  let server: GeminiWireServer;
  beforeEach(async () => {
    for (const name of sdkVariables) vi.stubEnv(name, undefined);
    server = await startGeminiWireServer();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await server.close();
  });

  const generateOnce = async () => {
    server.script([textReply('hi')]);
    const client = new GenAiModelClient(new GoogleGenAI(genAiOptionsFromEnv(process.env)));
    await client.generate({ model: 'gemini-2.5-flash', contents: [userText('hi')], functionDeclarations: [], streaming: 'NONE' });
    server.assertAllRepliesUsed();
    return server.requests[0];
  };

  it('honours GEMINI_API_KEY, GOOGLE_GEMINI_BASE_URL and GOOGLE_GENAI_API_VERSION', async () => {
    vi.stubEnv('GEMINI_API_KEY', 'key-from-env');
    vi.stubEnv('GOOGLE_GEMINI_BASE_URL', server.url);
    vi.stubEnv('GOOGLE_GENAI_API_VERSION', 'v1beta');
    const request = await generateOnce();
    expect(request?.headers['x-goog-api-key']).toBe('key-from-env');
    expect(request?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
  });

  it('honours GOOGLE_GENAI_USE_VERTEXAI with an express-mode key and GOOGLE_VERTEX_BASE_URL', async () => {
    vi.stubEnv('GOOGLE_GENAI_USE_VERTEXAI', 'true');
    vi.stubEnv('GOOGLE_API_KEY', 'vertex-key');
    vi.stubEnv('GOOGLE_VERTEX_BASE_URL', server.url);
    const request = await generateOnce();
    expect(request?.headers['x-goog-api-key']).toBe('vertex-key');
    expect(request?.path).toBe('/v1beta1/publishers/google/models/gemini-2.5-flash:generateContent');
  });
});
