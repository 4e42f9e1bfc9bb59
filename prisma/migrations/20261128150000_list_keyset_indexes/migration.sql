-- DropIndex
DROP INDEX "ApiToken_orgId_userId_idx";

-- DropIndex
DROP INDEX "AuditEvent_orgId_createdAt_idx";

-- CreateIndex
CREATE INDEX "ApiToken_orgId_userId_createdAt_id_idx" ON "ApiToken"("orgId", "userId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_orgId_createdAt_id_idx" ON "AuditEvent"("orgId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Invitation_orgId_createdAt_id_idx" ON "Invitation"("orgId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Membership_orgId_createdAt_id_idx" ON "Membership"("orgId", "createdAt", "id");
