import { z } from 'zod';

export const ZListRegionsResponse = z.object({ regions: z.array(z.object({ slug: z.string(), displayName: z.string() })) });
