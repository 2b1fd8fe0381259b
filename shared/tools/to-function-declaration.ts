import { z } from 'zod';
import type { FunctionDeclaration } from '../ports/model-client.ts';
import type { ToolDescription } from './tool.ts';

/**
 * Describes a tool to the model: its name, description and a JSON Schema of its arguments
 * generated from the zod schema, so the two can never disagree.
 */
export function toFunctionDeclaration(tool: ToolDescription): FunctionDeclaration {
  if (tool.parametersJsonSchema) return { name: tool.name, description: tool.description, parametersJsonSchema: tool.parametersJsonSchema };
  // 'input' because the model writes the arguments: a field with a default is optional for it.
  const { $schema: _dialect, ...parametersJsonSchema } = z.toJSONSchema(tool.inputSchema, { io: 'input' });
  return { name: tool.name, description: tool.description, parametersJsonSchema };
}
