import NextAuth from 'next-auth';
import { authOptions } from '../../../../src/server/auth-options.js';

export const dynamic = 'force-dynamic';

type Handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

// Options are built per request so a missing NEXTAUTH_SECRET fails the
// request (with a clear error) rather than the build.
const handler: Handler = async (req, ctx) => (NextAuth as unknown as (opts: ReturnType<typeof authOptions>) => Handler)(authOptions())(req, ctx);

export { handler as GET, handler as POST };
