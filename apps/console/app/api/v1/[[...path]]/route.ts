import { dispatch } from '../../../../src/api/dispatch.js';
import { allApiRoutes } from '../../../../src/api/registry.js';
import { apiDeps } from '../../../../src/server/api-deps.js';

export const dynamic = 'force-dynamic';

// One catch-all handler: routing, auth and validation live in src/api, so
// the route list is data that tests and the OpenAPI document can read.
const handle = (req: Request) => dispatch(req, allApiRoutes, apiDeps());

export { handle as DELETE, handle as GET, handle as PATCH, handle as POST, handle as PUT };
