import { TRANSITIONS, type TransitionName } from './payment-states';

/**
 * docs/payment-states.md's generated part, from the transition table: a
 * Mermaid state diagram (GitHub renders it) and the same table in words.
 * `payment-states.spec.ts` fails when the document holds anything else, and
 * prints this text to paste in its place.
 */
export function paymentStatesSection(): string {
  const names = Object.keys(TRANSITIONS) as TransitionName[];
  const edges = names.flatMap((name) => {
    const { from, to, queues } = TRANSITIONS[name];
    const label = queues ? `${name} + ${queues}` : name;
    return from.map((phase) => `    ${phase === 'NEW' ? '[*]' : phase} --> ${to}: ${label}`);
  });
  const rows = names.map((name) => {
    const { from, to, queues, label } = TRANSITIONS[name];
    return `| \`${name}\` | ${from.join(', ')} | ${to} | ${queues ?? '—'} | ${label} |`;
  });
  return [
    '```mermaid',
    'stateDiagram-v2',
    ...edges,
    '```',
    '',
    '| Transition | From | To | Queues upstream | What happened |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
