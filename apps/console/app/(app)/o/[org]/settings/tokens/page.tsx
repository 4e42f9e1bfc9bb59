import { listApiTokens } from '@atrium/db';
import type { Metadata } from 'next';
import { formatDate, PageHeader } from '../../../../../../src/components/page-bits';
import { TokensPanel } from '../../../../../../src/components/tokens-panel';
import { db } from '../../../../../../src/server/db';
import { requireOrgPage } from '../../../../../../src/server/page-context';

export const metadata: Metadata = { title: 'API tokens' };

export default async function TokensPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await requireOrgPage(slug);
  // One person's tokens in one org: the largest page is plenty.
  const { items: tokens } = await listApiTokens(db(), { orgId: ctx.org.id, userId: ctx.viewer.id, limit: 200 });
  return (
    <>
      <PageHeader
        title="API tokens"
        description={`Personal tokens act as you, with your role, in ${ctx.org.name} only. They are stored hashed: copy a new token when it is shown.`}
      />
      <TokensPanel
        org={ctx.org.slug}
        tokens={tokens.map((t) => ({
          id: t.id,
          name: t.name,
          prefix: t.prefix,
          created: formatDate(t.createdAt),
          lastUsed: t.lastUsedAt ? formatDate(t.lastUsedAt) : 'never',
          expires: t.expiresAt ? formatDate(t.expiresAt) : 'never',
          revoked: !!t.revokedAt,
        }))}
      />
    </>
  );
}
