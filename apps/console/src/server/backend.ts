import fs from 'node:fs';
import { apiserverUrl, env } from '@atrium/config';

/** Where kubeconfigs point: the kcp-compatible backend (the embedded API server unless ATRIUM_KCP_URL says otherwise). */
export function backendServer(): string {
  return apiserverUrl();
}

let ca: { file: string; data: string } | undefined;

/**
 * The backend's CA as kubeconfig `certificate-authority-data` (base64 of the PEM), when it is
 * not publicly trusted: kubectl sends bearer tokens over TLS only. Read once per file path.
 */
export function backendCaData(): string | undefined {
  const file = env().ATRIUM_KCP_CA_FILE;
  if (!file) return undefined;
  if (ca?.file !== file) ca = { file, data: Buffer.from(fs.readFileSync(file, 'utf8')).toString('base64') };
  return ca.data;
}
