export type { AdmissionChain } from './admission/chain.js';
export type {
  AdmissionAttributes,
  AdmissionContext,
  AdmissionOperation,
  AdmissionReader,
  MutatingAdmissionPlugin,
  ValidatingAdmissionPlugin,
} from './admission/types.js';
export { AdmissionDeniedError } from './admission/types.js';
export { createToken, revokeToken } from './auth/authn.js';
export { adminKubeconfig } from './kubeconfig.js';
export { type ApiServer, type ApiServerOptions, startApiServer } from './server.js';
