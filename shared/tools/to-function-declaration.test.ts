import { describe, expect, it } from 'vitest';
import { builtinTools } from './builtin-tools.ts';
import { calculatorTool } from './calculator.ts';
import { currentTimeTool } from './current-time.ts';
import { toFunctionDeclaration } from './to-function-declaration.ts';

describe('toFunctionDeclaration', () => {
  it('describes the calculator as an object with one required string argument', () => {
    const declaration = toFunctionDeclaration(calculatorTool);
    expect(declaration).toEqual({
      name: 'calculator',
      description: calculatorTool.description,
      parametersJsonSchema: {
        type: 'object',
        properties: { expression: { type: 'string', description: expect.stringContaining('2^64 + 1') } },
        required: ['expression'],
      },
    });
  });

  it('leaves a field with a default out of required and states the default', () => {
    const { parametersJsonSchema } = toFunctionDeclaration(currentTimeTool);
    expect(parametersJsonSchema.required).toBeUndefined();
    expect(parametersJsonSchema.properties).toMatchObject({ timezone: { type: 'string', default: 'UTC' } });
  });

  it.each(builtinTools.map((tool) => [tool.name, tool] as const))(
    'gives every argument of %s a description and no $schema key',
    (_name, tool) => {
      const { parametersJsonSchema } = toFunctionDeclaration(tool);
      expect(parametersJsonSchema).not.toHaveProperty('$schema');
      const properties = Object.values(parametersJsonSchema.properties as Record<string, { description?: string }>);
      expect(properties.length).toBeGreaterThan(0);
      for (const property of properties) expect(property.description).toMatch(/\w/);
    },
  );
});
