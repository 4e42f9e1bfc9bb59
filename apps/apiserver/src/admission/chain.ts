import type { AdmissionAttributes, AdmissionContext, MutatingAdmissionPlugin, ValidatingAdmissionPlugin } from './types.js';

/**
 * The ordered admission chain: every mutating plugin in order, then every
 * validating plugin in order (validators see the final object). A plugin
 * rejects by throwing AdmissionDeniedError.
 */
export class AdmissionChain {
  constructor(
    readonly mutating: readonly MutatingAdmissionPlugin[],
    readonly validating: readonly ValidatingAdmissionPlugin[],
  ) {}

  /** A new chain with more plugins appended (later issues add policy and cost this way). */
  with(plugins: { mutating?: MutatingAdmissionPlugin[]; validating?: ValidatingAdmissionPlugin[] }): AdmissionChain {
    return new AdmissionChain([...this.mutating, ...(plugins.mutating ?? [])], [...this.validating, ...(plugins.validating ?? [])]);
  }

  async admit(attributes: AdmissionAttributes, context: AdmissionContext): Promise<void> {
    for (const p of this.mutating) await p.admit(attributes, context);
    for (const p of this.validating) await p.validate(attributes, context);
  }
}
