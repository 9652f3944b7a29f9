import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/*
 * X.509 certificates for the partner double, made with node:crypto alone: the kit ships
 * without a certificate library and must not need an `openssl` binary on the machine
 * running the tests. Only what TLS between a connector and the double needs is encoded:
 * a P-256 key, a CA certificate that is also the server's (SAN localhost and 127.0.0.1),
 * and client certificates it signs for mutual TLS.
 */

/** A certificate and its private key, PEM. */
export interface PemPair {
  cert: string;
  key: string;
}

/** A self-signed authority: its certificate serves TLS on 127.0.0.1 and signs client certificates. */
export interface TestAuthority extends PemPair {
  /** A client certificate for mutual TLS, signed by this authority. */
  issueClientCertificate(commonName: string): PemPair;
}

const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  subjectAltName: '2.5.29.17',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

/* Valid from an hour ago (clock skew between processes) for a week: a test run never outlives it. */
const BACKDATE_MS = 60 * 60 * 1000;
const LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** Makes a fresh authority for `commonName`, valid for 127.0.0.1 and localhost. */
export function createTestAuthority(commonName = 'connector-kit partner double'): TestAuthority {
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const cert = certificate({
    subject: commonName,
    issuer: commonName,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    extensions: [
      extension(OID.basicConstraints, seq(bool(true)), true),
      extension(
        OID.subjectAltName,
        seq(tagged(0x82, Buffer.from('localhost')), tagged(0x87, Buffer.from([127, 0, 0, 1]))),
      ),
      extension(OID.extKeyUsage, seq(oid(OID.serverAuth), oid(OID.clientAuth))),
    ],
  });
  return {
    cert,
    key: pemKey(keys.privateKey),
    issueClientCertificate(clientName: string): PemPair {
      const client = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      return {
        cert: certificate({
          subject: clientName,
          issuer: commonName,
          publicKey: client.publicKey,
          signingKey: keys.privateKey,
          extensions: [
            extension(OID.basicConstraints, seq(), true),
            extension(OID.extKeyUsage, seq(oid(OID.clientAuth))),
          ],
        }),
        key: pemKey(client.privateKey),
      };
    },
  };
}

interface CertificateSpec {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  extensions: Buffer[];
}

function certificate(spec: CertificateSpec): string {
  const now = Date.now();
  const algorithm = seq(oid(OID.ecdsaWithSha256));
  const tbs = seq(
    tagged(0xa0, integer(Buffer.from([2]))), // v3, for the extensions
    integer(serialNumber()),
    algorithm,
    name(spec.issuer),
    seq(time(new Date(now - BACKDATE_MS)), time(new Date(now + LIFETIME_MS))),
    name(spec.subject),
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    tagged(0xa3, seq(...spec.extensions)),
  );
  const signature = sign('sha256', tbs, spec.signingKey); // DER ECDSA-Sig-Value, as X.509 wants it
  const der = seq(tbs, algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function pemKey(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/* Positive and without a leading zero byte: DER integers are minimal. */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return bytes;
}

// ------------------------------------------------------------------ DER

function tlv(tag: number, content: Buffer): Buffer {
  const length = content.length;
  let header: number[];
  if (length < 0x80) header = [tag, length];
  else if (length < 0x100) header = [tag, 0x81, length];
  else header = [tag, 0x82, length >> 8, length & 0xff];
  return Buffer.concat([Buffer.from(header), content]);
}

function seq(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function tagged(tag: number, content: Buffer): Buffer {
  return tlv(tag, content);
}

function integer(bytes: Buffer): Buffer {
  return tlv(0x02, bytes);
}

function bool(value: boolean): Buffer {
  return tlv(0x01, Buffer.from([value ? 0xff : 0]));
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const part of rest) {
    const base128 = [part & 0x7f];
    for (let v = part >>> 7; v > 0; v >>>= 7) base128.unshift((v & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function name(commonName: string): Buffer {
  return seq(tlv(0x31, seq(oid(OID.commonName), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
}

/* X.509 wants UTCTime (YYMMDDHHMMSSZ) up to 2049 and GeneralizedTime (YYYYMMDDHHMMSSZ) from 2050. */
function time(date: Date): Buffer {
  const digits = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii'))
    : tlv(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}

function extension(id: string, value: Buffer, critical = false): Buffer {
  return critical ? seq(oid(id), bool(true), tlv(0x04, value)) : seq(oid(id), tlv(0x04, value));
}
