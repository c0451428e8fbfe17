import HTTPTypes
package import WebFoundation

/// The administration and audit pages: staff accounts, API tokens, integrations and webhook
/// relays (admins), and the auditor's ledger verification, checkpoints, proofs and access log.
extension WebApplication {
    /// The administration and audit pages' routes; each has its entry in ``WebPages/table``.
    package var adminRoutes: [PageRoute] {
        [
            PageRoute(.get, "/admin/staff", { try await self.staffList($0) }),
            PageRoute(.post, "/admin/staff", { try await self.addStaff($0) }),
            PageRoute(.get, "/admin/staff/:name", { try await self.staffMember($0) }),
            PageRoute(.post, "/admin/staff/:name/roles", { try await self.changeStaffRole($0) }),
            PageRoute(.post, "/admin/staff/:name/teams", { try await self.changeStaffTeam($0) }),
            PageRoute(.get, "/admin/tokens", { try await self.tokenList($0) }),
            PageRoute(.post, "/admin/tokens", { try await self.issueToken($0) }),
            PageRoute(.post, "/admin/tokens/:id/revocation", { try await self.revokeToken($0) }),
            PageRoute(.get, "/admin/integrations", { try await self.integrationList($0) }),
            PageRoute(.post, "/admin/integrations", { try await self.addIntegration($0) }),
            PageRoute(.post, "/admin/integrations/:name/revocation", { try await self.revokeIntegration($0) }),
            PageRoute(.get, "/admin/relays", { try await self.relayList($0) }),
            PageRoute(.post, "/admin/relays", { try await self.saveRelay($0) }),
            PageRoute(.post, "/admin/relays/:name/removal", { try await self.removeRelay($0) }),
            PageRoute(.get, "/audit", { try await self.auditHome($0) }),
            PageRoute(.post, "/audit/verification", { try await self.startVerification($0) }),
            PageRoute(.get, "/audit/verification", { try await self.verificationPage($0) }),
            PageRoute(.get, "/audit/proofs", { try await self.inclusionProofPage($0) }),
            PageRoute(.get, "/audit/checkpoints", { try await self.checkpointsPage($0) }),
            PageRoute(.get, "/audit/accesses", { try await self.accessLogPage($0) }),
        ]
    }
}
