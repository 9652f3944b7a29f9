#!/usr/bin/env node
// `node scripts/example.js <message>`: prints one of the README's "Try it"
// messages, ready to pipe into curl (`-d @-`). Each run gives the message a
// fresh id and time, so the commands can be repeated without DUPLICATE_RECORD,
// and fills in what comes from an earlier step's answer, which the README's
// commands keep under data/ with `tee`:
//   qr-code       docs/examples/create-qr-code.json
//   payment       docs/examples/payment.json       tranId from data/qr-code-answer.json
//   scan          docs/examples/scan.json          tranId from data/qr-code-answer.json
//   confirmation  docs/examples/confirmation.json  requestId from data/payment-answer.json
//   reversal      docs/examples/reversal.json      requestId from data/payment-answer.json
// Paths are relative to the current folder: run it from the repository's root.
const { randomUUID } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const EXAMPLES = join(__dirname, '..', 'docs', 'examples');
const QR_ANSWER = join('data', 'qr-code-answer.json');
const PAYMENT_ANSWER = join('data', 'payment-answer.json');

/**
 * The string `key` of an answer kept by an earlier step (its body, then curl's
 * `HTTP nnn` line). An ErrorDetail is refused: its `id` is the failed request's,
 * and a confirmation of a payment that failed would only be declined.
 */
function fromAnswer(file, key, step) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    fail(`${file} not found: run step ${step} of the README's "Try it" first`);
  }
  const lines = text.trim().split('\n');
  if (/^HTTP \d{3}$/.test(lines.at(-1).trim())) lines.pop();
  let answer;
  try {
    answer = JSON.parse(lines.join('\n'));
  } catch {
    answer = null;
  }
  const excerpt = text.trim().slice(0, 200);
  if (answer && typeof answer.errorType === 'string') {
    const why = typeof answer.errorMessage === 'string' ? ` (${answer.errorMessage})` : '';
    fail(`step ${step} did not succeed: ${answer.errorType}${why}, says ${file}`);
  }
  const value = answer?.[key];
  if (typeof value !== 'string' || value === '')
    fail(`${file} has no ${key}: step ${step} did not succeed (${excerpt})`);
  return value;
}

function fail(message) {
  process.stderr.write(`example.js: ${message}\n`);
  process.exit(1);
}

const messages = {
  'qr-code': () => ({ file: 'create-qr-code.json' }),
  payment: () => ({ file: 'payment.json', tranId: fromAnswer(QR_ANSWER, 'tranId', 1) }),
  scan: () => ({
    file: 'scan.json',
    tranId: fromAnswer(QR_ANSWER, 'tranId', 1),
    partnerPaymentToken: `tok-${randomUUID()}`,
  }),
  confirmation: () => ({ file: 'confirmation.json', requestId: fromAnswer(PAYMENT_ANSWER, 'id', 2) }),
  reversal: () => ({ file: 'reversal.json', requestId: fromAnswer(PAYMENT_ANSWER, 'id', 2) }),
};

const name = process.argv[2];
if (!Object.hasOwn(messages, name)) fail(`which message? one of: ${Object.keys(messages).join(', ')}`);
const { file, ...filled } = messages[name]();
const message = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));
Object.assign(message, { id: randomUUID(), time: new Date().toISOString() }, filled);
process.stdout.write(`${JSON.stringify(message, null, 2)}\n`);
