import HTTPTypes
package import WebFoundation

/// The records pages: the records officer's retention pages (schedule, legal holds, disposition
/// lists, destructions, the filing queue) and the public-records request pages (requests,
/// searches, redaction review, installments).
extension WebApplication {
    /// The records pages' routes; each has its entry in ``WebPages/table``.
    package var recordsRoutes: [PageRoute] {
        [
            PageRoute(.get, "/retention", { try await self.retentionOverview($0) }),
            PageRoute(.get, "/retention/catalog", { try await self.retentionCatalog($0) }),
            PageRoute(.get, "/retention/holds", { try await self.legalHolds($0) }),
            PageRoute(.post, "/retention/holds", { try await self.placeLegalHold($0) }),
            PageRoute(.get, "/retention/holds/:id", { try await self.legalHold($0) }),
            PageRoute(.post, "/retention/holds/:id/release", { try await self.releaseLegalHold($0) }),
            PageRoute(.get, "/retention/lists", { try await self.dispositionLists($0) }),
            PageRoute(.post, "/retention/lists", { try await self.runDisposition($0) }),
            PageRoute(.get, "/retention/lists/:list", { try await self.dispositionList($0) }),
            PageRoute(.post, "/retention/lists/:list/review", { try await self.reviewDispositionList($0) }),
            PageRoute(.post, "/retention/lists/:list/approval", { try await self.approveDispositionList($0) }),
            PageRoute(.post, "/retention/lists/:list/destruction", { try await self.destroyDispositionList($0) }),
            PageRoute(.get, "/retention/destructions", { try await self.destructionLog($0) }),
            PageRoute(.get, "/retention/destructions/:list/certificate", { try await self.destructionCertificate($0) }),
            PageRoute(.get, "/retention/queue", { try await self.filingQueue($0) }),
            PageRoute(.post, "/retention/queue/filing", { try await self.fileRecord($0) }),
            PageRoute(.get, "/requests", { try await self.requestList($0) }),
            PageRoute(.post, "/requests", { try await self.openRequest($0) }),
            PageRoute(.get, "/requests/:id", { try await self.requestPage($0) }),
            PageRoute(.post, "/requests/:id/searches", { try await self.runRequestSearch($0) }),
            PageRoute(.get, "/requests/:id/review", { try await self.redactionReview($0) }),
            PageRoute(.post, "/requests/:id/redactions", { try await self.applyRedaction($0) }),
            PageRoute(.post, "/requests/:id/redactions/:number/review", { try await self.reviewRedaction($0) }),
            PageRoute(.post, "/requests/:id/redactions/:number/withdrawal", { try await self.withdrawRedaction($0) }),
            PageRoute(.post, "/requests/:id/installments", { try await self.produceInstallment($0) }),
            PageRoute(.get, "/requests/:id/installments/:number/bundle", { try await self.downloadInstallment($0) }),
        ]
    }
}
