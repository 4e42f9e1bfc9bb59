import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as Crypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface TlsMaterial {
  /** PEM of the CA clients must trust (goes into kubeconfigs as certificate-authority-data). */
  caPem: string;
  certPem: string;
  keyPem: string;
}

async function toPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .trimEnd()}\n-----END PRIVATE KEY-----\n`;
}

async function fromPem(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, true, ['sign']);
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');
}

async function newCa(): Promise<{ cert: x509.X509Certificate; keys: CryptoKeyPair }> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=atrium-apiserver-ca',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 10 * 365 * 24 * 3600_000),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

/**
 * TLS for the API server: a CA generated on first start (kept in `dir` when
 * given, like kcp's `.kcp/`), and a fresh serving certificate for the given
 * host names and IPs on every start. ECDSA P-256 via WebCrypto: milliseconds,
 * where RSA generation in JS would take seconds.
 */
export async function ensureTlsMaterial(hosts: string[], dir?: string): Promise<TlsMaterial> {
  let ca: { cert: x509.X509Certificate; keys: CryptoKeyPair } | undefined;
  const caCertPath = dir ? path.join(dir, 'apiserver-ca.crt') : undefined;
  const caKeyPath = dir ? path.join(dir, 'apiserver-ca.key') : undefined;
  if (caCertPath && caKeyPath && fs.existsSync(caCertPath) && fs.existsSync(caKeyPath)) {
    const cert = new x509.X509Certificate(fs.readFileSync(caCertPath, 'utf8'));
    const privateKey = await fromPem(fs.readFileSync(caKeyPath, 'utf8'));
    ca = { cert, keys: { privateKey, publicKey: await cert.publicKey.export(ALGORITHM, ['verify']) } };
  }
  if (!ca) {
    ca = await newCa();
    if (caCertPath && caKeyPath && dir) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(caKeyPath, await toPem(ca.keys.privateKey), { mode: 0o600 });
      fs.writeFileSync(caCertPath, ca.cert.toString('pem'));
    }
  }
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const names = [...new Set(['localhost', '127.0.0.1', ...hosts])];
  const isIp = (h: string) => /^\d+\.\d+\.\d+\.\d+$/.test(h) || h.includes(':');
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=atrium-apiserver',
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 365 * 24 * 3600_000),
    signingKey: ca.keys.privateKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names.map((n) => ({ type: isIp(n) ? ('ip' as const) : ('dns' as const), value: n }))),
    ],
  });
  return { caPem: ca.cert.toString('pem'), certPem: cert.toString('pem'), keyPem: await toPem(keys.privateKey) };
}
