import { hashPassword } from '@app/common/password-hash';

/*
 * Makes an institution password hash for the hub config (docs/protocol.md §3, §9):
 *
 *   npm run hash-password -- '<password>'
 *   printf '%s' '<password>' | npm run --silent hash-password
 *
 * Reading from stdin keeps the password out of shell history and `ps`.
 */

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  // Only the line break a terminal or `echo` adds is dropped; other whitespace is part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Prints the hash line and the YAML snippet to paste under an institution. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const password = argv[2] ?? (await readStdin());
  if (password === '') {
    process.stderr.write('hash-password: empty password; pass it as an argument or on stdin\n');
    return 1;
  }
  const hash = await hashPassword(password);
  process.stdout.write(`${hash}\npassword: { hash: "${hash}" }\n`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`hash-password: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
