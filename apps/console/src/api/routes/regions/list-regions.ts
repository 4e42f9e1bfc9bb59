import { listRegions } from '@atrium/db';
import { defineRoute } from '../../define-route.js';
import { ZListRegionsResponse } from './list-regions.types.js';

export const listRegionsRoute = defineRoute({
  method: 'GET',
  path: '/regions',
  summary: 'Regions registered on the platform',
  tag: 'regions',
  auth: 'user',
  response: ZListRegionsResponse,
  async handler({ db }) {
    return { regions: await listRegions(db) };
  },
});
