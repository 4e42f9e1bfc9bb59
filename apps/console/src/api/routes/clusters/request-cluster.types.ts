import { z } from 'zod';
import { ZCluster, ZId, ZMicrosInput, ZOrgParams } from '../../dto.js';

// Kubernetes label syntax: an optional DNS-subdomain prefix and a name of up to 63 characters.
const labelName = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const labelKey = z
  .string()
  .max(253 + 1 + 63)
  .refine((k) => {
    const [prefix, name] = k.includes('/') ? [k.slice(0, k.lastIndexOf('/')), k.slice(k.lastIndexOf('/') + 1)] : [undefined, k];
    if (prefix !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(prefix)) return false;
    return name.length > 0 && name.length <= 63 && labelName.test(name);
  }, 'A label key is a name of up to 63 letters, digits, "-", "_" or ".", optionally prefixed by a DNS subdomain and "/".');
const labelValue = z.string().refine((v) => v === '' || (v.length <= 63 && labelName.test(v)), 'A label value is up to 63 letters, digits, "-", "_" or ".".');

export const ZRequestClusterParams = ZOrgParams;
export const ZRequestClusterBody = z.object({
  name: z.string().trim().min(1, 'Enter a name.').max(63, 'Use at most 63 characters.').meta({ description: 'DNS label, unique among the team’s clusters' }),
  teamId: ZId,
  template: z.string().min(1, 'Choose a template.').max(64).meta({ description: 'template slug' }),
  regions: z.array(z.string().max(63)).max(20),
  labels: z
    .record(labelKey, labelValue)
    .refine((l) => Object.keys(l).length <= 20, 'Use at most 20 labels.')
    .optional(),
  budgetMicros: ZMicrosInput.optional().meta({ description: 'a cluster budget other than the template’s default' }),
});
export const ZRequestClusterResponse = ZCluster;
