import { describe, expect, it } from 'vitest';
import { parseInputTemplate, renderInputTemplate } from './input-template.ts';

const payload = { action: 'opened', issue: { title: 'Crash on start', number: 42, labels: [{ name: 'bug' }], body: null }, draft: false };
const render = (template: string) => renderInputTemplate(parseInputTemplate(template), payload);

describe('input templates', () => {
  it.each([
    ['Triage: {{ issue.title }}', 'Triage: Crash on start'],
    ['#{{issue.number}} {{ issue.labels[0].name }}', '#42 bug'],
    ['{{ draft }}', 'false'],
    ['{{ issue.labels }}', '[{"name":"bug"}]'],
    ['no placeholders', 'no placeholders'],
  ])('renders %j as %j', (template, expected) => {
    expect(render(template)).toEqual({ ok: true, text: expected });
  });

  it.each([
    ['{{ issue.assignee }}', 'issue.assignee', 'is missing'],
    ['{{ issue.body }}', 'issue.body', 'is null'],
    ['{{ issue.labels[3].name }}', 'issue.labels[3].name', 'is missing'],
    ['{{ issue.title.length }}', 'issue.title.length', 'is missing'],
    ['{{ constructor }}', 'constructor', 'is missing'],
    ['{{ __proto__ }}', '__proto__', 'is missing'],
  ])('refuses %j naming the path the payload lacks', (template, path, problem) => {
    expect(render(template)).toEqual({ ok: false, path, problem });
  });

  it.each(['', '{{ }}', '{{ a b }}', '{{ a..b }}', 'a {{ b', 'a }} b', '{{ a[x] }}', '{{ {a} }}'])('refuses the malformed template %j when it is written', (template) => {
    expect(() => parseInputTemplate(template)).toThrow(/inputTemplate/);
  });
});
