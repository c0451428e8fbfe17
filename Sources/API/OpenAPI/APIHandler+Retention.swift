import Access
import Disposition
import Foundation
import HTTPTypes
import Messaging
import OpenAPIRuntime
import Retention

// The records officer's work over HTTP (docs/api.md, "Retention"; docs/records-officer.md):
// reads for records officers and auditors (`retention.read`), filing, disposition, approval and
// destruction for records officers (`retention.manage`), legal holds for records officers and,
// of type `public_records_request`, request officers (`legal_hold.manage`). The actor of every
// step is the caller (`staff:<name>`); the library refuses what it refuses, writing nothing, and
// DomainProblems.swift answers its errors. Loading catalogs and filing rules stays with the CLI.
extension APIHandler {
    var retentionLedger: String { serviceLedger }

    // MARK: Reads

    func getRetentionCatalog(_ input: Operations.GetRetentionCatalog.Input) async throws -> Operations.GetRetentionCatalog.Output {
        let catalogs = RetentionCatalogs(store: store, ledger: retentionLedger)
        try await catalogs.catchUp()
        guard let loaded = try await catalogs.current() else { throw RetentionFilingError.noCatalog }
        return .ok(.init(body: .json(try RetentionJSON.catalog(loaded))))
    }

    func getRetentionStatus(_ input: Operations.GetRetentionStatus.Input) async throws -> Operations.GetRetentionStatus.Output {
        let grouping = RetentionStatus.Grouping(rawValue: input.query.by?.rawValue ?? "series") ?? .series
        let now = Date()
        try await DispositionLists(store: store, ledger: retentionLedger).catchUp()
        let lines = try await RetentionStatus(store: store, ledger: retentionLedger).report(by: grouping, series: input.query.series, now: now)
        let object: [String: Any] = ["now": RetentionJSON.iso(now), "by": grouping.rawValue, "lines": lines.map(RetentionJSON.statusLine)]
        return .ok(.init(body: .json(try RetentionDocument(object))))
    }

    /// Every record's eligibility, by record id, a page at a time (the cursor is the last record
    /// id of the page).
    func listRetentionRecords(_ input: Operations.ListRetentionRecords.Input) async throws -> Operations.ListRetentionRecords.Output {
        let limit = try Self.pageLimit(input.query.limit)
        let after = try input.query.cursor.map { try OpaqueToken.fields(of: $0, kind: "retention-record", count: 1)[0] }
        let now = Date()
        try await DispositionLists(store: store, ledger: retentionLedger).catchUp()
        let records = try await RetentionStatus(store: store, ledger: retentionLedger).records(series: input.query.series, now: now)
            .map { (id: $0.record.description, record: $0) }.sorted { $0.id < $1.id }
            .filter { record in after.map { record.id > $0 } ?? true }
        let page = Array(records.prefix(limit))
        var object: [String: Any] = ["now": RetentionJSON.iso(now), "items": page.map { RetentionJSON.eligibility($0.record) }]
        if records.count > limit, let last = page.last { object["next_cursor"] = OpaqueToken.cursor(kind: "retention-record", [last.id]) }
        return .ok(.init(body: .json(try RetentionDocument(object))))
    }

    func getRetentionRecord(_ input: Operations.GetRetentionRecord.Input) async throws -> Operations.GetRetentionRecord.Output {
        guard let id = RetentionRecordID(input.query.id) else { throw RetentionFilingError.notARecord(input.query.id) }
        let filing = RetentionFiling(store: store, ledger: retentionLedger)
        try await filing.catchUp()
        guard let summary = try await filing.record(id) else { throw RetentionFilingError.unknownRecord(id.description) }
        return .ok(.init(body: .json(try RetentionDocument(RetentionJSON.summary(summary, history: true)))))
    }

    func getFilingQueue(_ input: Operations.GetFilingQueue.Input) async throws -> Operations.GetFilingQueue.Output {
        let limit = try Self.pageLimit(input.query.limit)
        let filing = RetentionFiling(store: store, ledger: retentionLedger)
        try await filing.catchUp()
        let records = try await filing.needsFiling(limit: limit)
        let object: [String: Any] = [
            "ledger": retentionLedger, "total": try await filing.needsFilingCount(), "records": records.map { RetentionJSON.summary($0, history: false) },
        ]
        return .ok(.init(body: .json(try RetentionDocument(object))))
    }

    func listLegalHolds(_ input: Operations.ListLegalHolds.Input) async throws -> Operations.ListLegalHolds.Output {
        let holds = try await LegalHolds(store: store, ledger: retentionLedger).list(active: !(input.query.all ?? false))
        return .ok(.init(body: .json(try RetentionDocument(["holds": holds.map(RetentionJSON.hold)]))))
    }

    func getLegalHold(_ input: Operations.GetLegalHold.Input) async throws -> Operations.GetLegalHold.Output {
        try await DispositionLists(store: store, ledger: retentionLedger).catchUp()
        let shown = try await LegalHolds(store: store, ledger: retentionLedger).show(id: input.path.id)
        var object = RetentionJSON.hold(shown.hold)
        object["covered_records"] = shown.coveredRecords
        return .ok(.init(body: .json(try RetentionDocument(object))))
    }

    func listDispositionLists(_ input: Operations.ListDispositionLists.Input) async throws -> Operations.ListDispositionLists.Output {
        let lists = DispositionLists(store: store, ledger: retentionLedger)
        try await lists.catchUp()
        let all = try await lists.lists(series: input.query.series)
        return .ok(.init(body: .json(try RetentionDocument(["lists": all.map { RetentionJSON.list($0, items: false) }]))))
    }

    func getDispositionList(_ input: Operations.GetDispositionList.Input) async throws -> Operations.GetDispositionList.Output {
        let lists = DispositionLists(store: store, ledger: retentionLedger)
        try await lists.catchUp()
        let list = try await lists.show(list: input.path.list)
        return .ok(.init(body: .json(try RetentionDocument(RetentionJSON.list(list, items: true)))))
    }

    func listDestructions(_ input: Operations.ListDestructions.Input) async throws -> Operations.ListDestructions.Output {
        let entries = try await DestructionCertificates(store: store, ledger: retentionLedger).log()
        return .ok(.init(body: .json(try RetentionDocument(RetentionJSON.log(entries, ledger: retentionLedger)))))
    }

    /// The certificate as JSON, or as CSV or printable HTML when `Accept` prefers them.
    func getDestructionCertificate(
        _ input: Operations.GetDestructionCertificate.Input
    ) async throws
        -> Operations.GetDestructionCertificate.Output
    {
        let certificate = try await DestructionCertificates(store: store, ledger: retentionLedger).certificate(list: input.path.list)
        for accepted in input.headers.accept.sortedByQuality() {
            switch accepted.contentType {
            case .json: return .ok(.init(body: .json(try RetentionDocument(certificate.jsonObject))))
            case .csv: return .ok(.init(body: .csv(HTTPBody(certificate.csv()))))
            case .html: return .ok(.init(body: .html(HTTPBody(certificate.html()))))
            case .applicationProblemJson, .other: continue
            }
        }
        return .ok(.init(body: .json(try RetentionDocument(certificate.jsonObject))))
    }

    func getRetentionAudit(_ input: Operations.GetRetentionAudit.Input) async throws -> Operations.GetRetentionAudit.Output {
        let report = try await RetentionAudit(store: store, ledger: retentionLedger).run()
        return .ok(.init(body: .json(try RetentionDocument(RetentionJSON.audit(report)))))
    }

    // MARK: Actions

    func fileRetentionRecord(_ input: Operations.FileRetentionRecord.Input) async throws -> Operations.FileRetentionRecord.Output {
        let body: Operations.FileRetentionRecord.Input.Body.JsonPayload
        switch input.body {
        case .json(let json): body = json
        }
        guard let id = RetentionRecordID(body.record) else { throw RetentionFilingError.notARecord(body.record) }
        let position = try await RetentionFiling(store: store, ledger: retentionLedger).file(
            record: id, series: body.series, reason: body.reason, actor: try CurrentRequest.staff().actor)
        let object: [String: Any] = ["record": id.description, "series": body.series, "position": position]
        return .created(.init(body: .json(try RetentionDocument(object))))
    }

    /// A request officer (who is not also a records officer) places `public_records_request`
    /// holds only: 403 `hold_type_not_allowed` otherwise. The hold records the role it was placed
    /// as; that role or a records officer may release it.
    func placeLegalHold(_ input: Operations.PlaceLegalHold.Input) async throws -> Operations.PlaceLegalHold.Output {
        let body: Operations.PlaceLegalHold.Input.Body.JsonPayload
        switch input.body {
        case .json(let json): body = json
        }
        let principal = try CurrentRequest.staff()
        let role = try Self.holdRole(principal)
        guard let type = LegalHoldType(rawValue: body._type.rawValue) else {
            throw ProblemDetails(status: .unprocessableContent, code: "invalid_field", title: "Invalid field", detail: "not a hold type")
        }
        if !LegalHolds.mayPlace(type, as: role.rawValue) {
            throw ProblemDetails(
                status: .forbidden, code: "hold_type_not_allowed", title: "Hold type not allowed",
                detail: "a request officer places public_records_request holds only; a records officer places \(type.rawValue) holds")
        }
        let scope = body.scope
        let conversations = (scope.conversations ?? []).map { ids.conversationID(fromAPIID: $0) ?? $0 }
        let request = LegalHoldRequest(
            type: type, matter: body.matter, custodian: body.custodian, reason: body.reason,
            scope: LegalHoldScope(
                conversations: conversations, citizens: scope.citizens ?? [], businessNumbers: scope.businessNumbers ?? [], teams: scope.teams ?? [],
                from: try Self.retentionDate(scope.from, field: "scope.from", endOfDay: false),
                to: try Self.retentionDate(scope.to, field: "scope.to", endOfDay: true)))
        let hold = try await LegalHolds(store: store, ledger: retentionLedger).place(request, actor: principal.actor, role: role.rawValue)
        return .created(.init(body: .json(try RetentionDocument(RetentionJSON.hold(hold)))))
    }

    func releaseLegalHold(_ input: Operations.ReleaseLegalHold.Input) async throws -> Operations.ReleaseLegalHold.Output {
        let body: Operations.ReleaseLegalHold.Input.Body.JsonPayload
        switch input.body {
        case .json(let json): body = json
        }
        let principal = try CurrentRequest.staff()
        let hold = try await LegalHolds(store: store, ledger: retentionLedger).release(
            id: input.path.id, reason: body.reason, actor: principal.actor, role: try Self.holdRole(principal).rawValue)
        return .ok(.init(body: .json(try RetentionDocument(RetentionJSON.hold(hold)))))
    }

    func runDisposition(_ input: Operations.RunDisposition.Input) async throws -> Operations.RunDisposition.Output {
        var series: String?
        switch input.body {
        case .json(let json)?: series = json.series
        case nil: break
        }
        let lists = try await DispositionLists(store: store, ledger: retentionLedger).run(series: series, actor: try CurrentRequest.staff().actor)
        return .created(.init(body: .json(try RetentionDocument(["lists": lists.map { RetentionJSON.list($0, items: false) }]))))
    }

    func reviewDispositionList(_ input: Operations.ReviewDispositionList.Input) async throws -> Operations.ReviewDispositionList.Output {
        let body: Operations.ReviewDispositionList.Input.Body.JsonPayload
        switch input.body {
        case .json(let json): body = json
        }
        guard let decision = DispositionEvents.Decision(rawValue: body.decision.rawValue) else {
            throw ProblemDetails(status: .unprocessableContent, code: "invalid_field", title: "Invalid field", detail: "not a decision")
        }
        let records = try body.records.map { text -> RetentionRecordID in
            guard let record = RetentionRecordID(text) else { throw DispositionError.invalidRecord(text) }
            return record
        }
        let until = try Self.retentionDate(body.until, field: "until", endOfDay: false)
        if decision == .defer, until == nil {
            throw ProblemDetails(
                status: .unprocessableContent, code: "invalid_field", title: "Invalid field", detail: "a deferral needs \"until\": the day it ends",
                extensions: ["field": "until"])
        }
        let principal = try CurrentRequest.staff()
        let reviewed = try await DispositionLists(store: store, ledger: retentionLedger).review(
            list: input.path.list, decision: decision, records: records, reason: body.reason ?? "", until: decision == .defer ? until : nil,
            actor: principal.actor, role: Self.dispositionRole(principal))
        return .ok(.init(body: .json(try RetentionDocument(RetentionJSON.list(reviewed, items: true)))))
    }

    func approveDispositionList(_ input: Operations.ApproveDispositionList.Input) async throws -> Operations.ApproveDispositionList.Output {
        let principal = try CurrentRequest.staff()
        let approved = try await DispositionLists(store: store, ledger: retentionLedger).approve(
            list: input.path.list, actor: principal.actor, role: Self.dispositionRole(principal))
        return .created(.init(body: .json(try RetentionDocument(RetentionJSON.list(approved, items: false)))))
    }

    /// Destroys in the request: the answer says what was destroyed, and what a hold placed since
    /// the approval or a re-filing kept. An interrupted destruction is finished by asking again.
    func destroyDispositionList(_ input: Operations.DestroyDispositionList.Input) async throws -> Operations.DestroyDispositionList.Output {
        let outcome = try await RetentionDestroyer(store: store, ledger: retentionLedger).destroy(
            list: input.path.list, actor: try CurrentRequest.staff().actor)
        return .ok(.init(body: .json(try RetentionDocument(RetentionJSON.outcome(outcome)))))
    }
}

extension APIHandler {
    /// The role a caller places or releases holds as: records officer when they are one, else
    /// request officer (the access control let nobody else through).
    static func holdRole(_ principal: StaffPrincipal) throws -> StaffRole {
        if principal.roles.contains(.recordsOfficer) { return .recordsOfficer }
        if principal.roles.contains(.requestOfficer) { return .requestOfficer }
        throw ProblemDetails(status: .forbidden, code: "forbidden", title: "Forbidden", detail: "only records officers and request officers handle legal holds")
    }

    /// The role a caller reviews and approves as: records officer when they are one (the library
    /// refuses any other role, 403 `role_not_allowed`).
    static func dispositionRole(_ principal: StaffPrincipal) -> String {
        principal.roles.contains(.recordsOfficer) ? StaffRole.recordsOfficer.rawValue : (principal.roles.min()?.rawValue ?? "none")
    }

    /// A day (`YYYY-MM-DD`: its start, or the start of the next day for `endOfDay`) or an RFC
    /// 3339 time. - Throws: 422 `invalid_date` naming the field.
    static func retentionDate(_ text: String?, field: String, endOfDay: Bool) throws -> Date? {
        guard let text else { return nil }
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = day.date(from: text) { return endOfDay ? date.addingTimeInterval(86_400) : date }
        throw ProblemDetails(
            status: .unprocessableContent, code: "invalid_date", title: "Invalid date",
            detail: "\(field) \"\(text)\" is not a date such as 2026-03-31 or 2026-03-31T12:00:00Z", extensions: ["field": field])
    }
}
