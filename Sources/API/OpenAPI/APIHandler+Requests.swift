import Access
import Deadlines
import Foundation
import HTTPTypes
import OpenAPIRuntime
import RecordkeeperCore
import Requests

/// The JSON documents of the `/v1/requests` routes: the objects `recordkeeper requests … --json`
/// prints (``RecordsRequestJSON``), without `ok`; openapi.yaml documents them (`RecordsRequest`,
/// `RecordsRequestDetail`, `RecordsRequestList`, `RequestLog`).
typealias RequestsDocument = RetentionDocument

// Public-records requests over HTTP (docs/api.md, "Requests"; docs/public-records.md): request
// officers and admins act (`requests.manage`), auditors read too (`requests.read`). The actor of
// every step is the caller (`staff:<name>`); the library checks each step against the request
// and refuses, writing nothing, what it refuses; DomainProblems.swift answers its errors.
extension APIHandler {
    /// The agency's clock, read once from RECORDKEEPER_TIME_ZONE and RECORDKEEPER_HOLIDAYS_FILE;
    /// when they cannot be used, every request route answers 503 `clock_misconfigured`.
    static let requestClock = Result { () throws(HolidayCalendarError) in
        try ResponseClock.fromEnvironment(ProcessInfo.processInfo.environment)
    }

    /// The requests of the service's ledger, and the role the caller acts as: admin when they are
    /// one, else request officer, else auditor (the access control let only these through).
    func recordsRequests() throws -> (requests: RecordsRequests, role: StaffRole, actor: String) {
        let principal = try CurrentRequest.staff()
        let role: StaffRole =
            principal.roles.contains(.admin) ? .admin : principal.roles.contains(.requestOfficer) ? .requestOfficer : .auditor
        let clock = try Self.requestClock.get()
        return (RecordsRequests(store: store, ledger: serviceLedger, clock: clock), role, principal.actor)
    }

    static func requestDocument(_ request: RecordsRequest, now: Date, history: [RequestHistoryItem]? = nil) throws -> RequestsDocument {
        var object = RecordsRequestJSON.request(request, now: now)
        if let explanation = request.explanation, history != nil || request.content == .present {
            object["explanation"] = RecordsRequestJSON.explanation(explanation)
        }
        if let history { object["history"] = history.map(RecordsRequestJSON.history) }
        return try RequestsDocument(object)
    }

    /// A day `YYYY-MM-DD`; 422 `invalid_date` otherwise.
    static func requestDay(_ text: String, field: String) throws -> CivilDay {
        guard let day = CivilDay(text) else {
            throw ProblemDetails(
                status: .unprocessableContent, code: "invalid_date", title: "Invalid date",
                detail: "\(field) \(text) is not a day: give YYYY-MM-DD, e.g. 2026-12-15", extensions: ["field": field])
        }
        return day
    }

    // MARK: Reads

    func listRecordsRequests(_ input: Operations.ListRecordsRequests.Input) async throws -> Operations.ListRecordsRequests.Output {
        let (requests, role, _) = try recordsRequests()
        let status = input.query.status.flatMap { RequestStatus(rawValue: $0.rawValue) }
        let now = Date()
        let found = try await requests.list(status: status, overdueAt: input.query.overdue == true ? now : nil, role: role)
        return .ok(.init(body: .json(try RequestsDocument(["requests": found.map { RecordsRequestJSON.request($0, now: now) }]))))
    }

    func getRecordsRequest(_ input: Operations.GetRecordsRequest.Input) async throws -> Operations.GetRecordsRequest.Output {
        let (requests, role, _) = try recordsRequests()
        let shown = try await requests.show(input.path.id, role: role)
        return .ok(.init(body: .json(try Self.requestDocument(shown.request, now: Date(), history: shown.history))))
    }

    /// The log as JSON, or as CSV or printable HTML by `format` or, without it, by `Accept`.
    func getRequestLog(_ input: Operations.GetRequestLog.Input) async throws -> Operations.GetRequestLog.Output {
        let (requests, role, _) = try recordsRequests()
        let from = try input.query.from.map { try Self.requestDay($0, field: "from") }
        let to = try input.query.to.map { try Self.requestDay($0, field: "to") }
        if let from, let to, to < from {
            throw ProblemDetails(
                status: .unprocessableContent, code: "empty_date_range", title: "Empty date range",
                detail: "to \(to) is before from \(from): give a range that is not empty")
        }
        let zone = requests.clock.timeZone
        let log = try await requests.log(from: from?.start(in: zone), to: to?.adding(days: 1).start(in: zone), role: role, now: Date())
        let json = RequestsDocument(log.json)
        switch input.query.format {
        case .json?: return .ok(.init(body: .json(json)))
        case .csv?: return .ok(.init(body: .csv(HTTPBody(log.csv()))))
        case .html?: return .ok(.init(body: .html(HTTPBody(log.html()))))
        case nil: break
        }
        for accepted in input.headers.accept.sortedByQuality() {
            switch accepted.contentType {
            case .json: return .ok(.init(body: .json(json)))
            case .csv: return .ok(.init(body: .csv(HTTPBody(log.csv()))))
            case .html: return .ok(.init(body: .html(HTTPBody(log.html()))))
            case .applicationProblemJson, .other: continue
            }
        }
        return .ok(.init(body: .json(json)))
    }

    // MARK: Actions

    func openRecordsRequest(_ input: Operations.OpenRecordsRequest.Input) async throws -> Operations.OpenRecordsRequest.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (requests, role, actor) = try recordsRequests()
        let now = Date()
        let new = NewRecordsRequest(
            channel: RequestChannel(rawValue: body.channel.rawValue) ?? .other, text: body.text,
            requester: Requester(name: body.requesterName, contact: body.requesterContact), receivedAt: body.receivedAt)
        let opened = try await requests.open(new, actor: actor, role: role, now: now)
        return .created(.init(body: .json(try Self.requestDocument(opened, now: now, history: []))))
    }

    func acknowledgeRecordsRequest(_ input: Operations.AcknowledgeRecordsRequest.Input) async throws -> Operations.AcknowledgeRecordsRequest.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (requests, role, actor) = try recordsRequests()
        let estimate = try Self.requestDay(body.estimate, field: "estimate")
        let now = Date()
        let request = try await requests.acknowledge(input.path.id, estimate: estimate, reason: body.reason, actor: actor, role: role, now: now)
        return .ok(.init(body: .json(try Self.requestDocument(request, now: now))))
    }

    func reviseRecordsRequestEstimate(
        _ input: Operations.ReviseRecordsRequestEstimate.Input
    ) async throws -> Operations.ReviseRecordsRequestEstimate.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (requests, role, actor) = try recordsRequests()
        let date = try Self.requestDay(body.date, field: "date")
        let now = Date()
        let request = try await requests.reviseEstimate(input.path.id, to: date, reason: body.reason, actor: actor, role: role, now: now)
        return .ok(.init(body: .json(try Self.requestDocument(request, now: now))))
    }

    func requestRecordsRequestClarification(
        _ input: Operations.RequestRecordsRequestClarification.Input
    ) async throws -> Operations.RequestRecordsRequestClarification.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (requests, role, actor) = try recordsRequests()
        let now = Date()
        let request = try await requests.requestClarification(input.path.id, question: body.question, actor: actor, role: role, now: now)
        return .ok(.init(body: .json(try Self.requestDocument(request, now: now))))
    }

    func answerRecordsRequestClarification(
        _ input: Operations.AnswerRecordsRequestClarification.Input
    ) async throws -> Operations.AnswerRecordsRequestClarification.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (requests, role, actor) = try recordsRequests()
        let now = Date()
        let request = try await requests.answerClarification(input.path.id, answer: body.answer, actor: actor, role: role, now: now)
        return .ok(.init(body: .json(try Self.requestDocument(request, now: now))))
    }

    func changeRecordsRequestStatus(_ input: Operations.ChangeRecordsRequestStatus.Input) async throws -> Operations.ChangeRecordsRequestStatus.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (requests, role, actor) = try recordsRequests()
        let status = RequestStatus(rawValue: body.status.rawValue) ?? .inProgress
        let now = Date()
        let request = try await requests.changeStatus(input.path.id, to: status, note: body.note, actor: actor, role: role, now: now)
        return .ok(.init(body: .json(try Self.requestDocument(request, now: now))))
    }

    func closeRecordsRequest(_ input: Operations.CloseRecordsRequest.Input) async throws -> Operations.CloseRecordsRequest.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (requests, role, actor) = try recordsRequests()
        let reason = CloseReason(rawValue: body.reason.rawValue) ?? .fulfilled
        let now = Date()
        let request = try await requests.close(
            input.path.id, reason: reason, note: body.note, produced: body.produced, withheld: body.withheld, actor: actor, role: role, now: now)
        return .ok(.init(body: .json(try Self.requestDocument(request, now: now))))
    }

    func withdrawRecordsRequest(_ input: Operations.WithdrawRecordsRequest.Input) async throws -> Operations.WithdrawRecordsRequest.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (requests, role, actor) = try recordsRequests()
        let now = Date()
        let request = try await requests.withdraw(input.path.id, note: body.note, actor: actor, role: role, now: now)
        return .ok(.init(body: .json(try Self.requestDocument(request, now: now))))
    }

    func appealRecordsRequest(_ input: Operations.AppealRecordsRequest.Input) async throws -> Operations.AppealRecordsRequest.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (requests, role, actor) = try recordsRequests()
        let now = Date()
        let request = try await requests.appeal(input.path.id, grounds: body.grounds, actor: actor, role: role, now: now)
        return .ok(.init(body: .json(try Self.requestDocument(request, now: now))))
    }

    func reviewRecordsRequestAppeal(_ input: Operations.ReviewRecordsRequestAppeal.Input) async throws -> Operations.ReviewRecordsRequestAppeal.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (requests, role, actor) = try recordsRequests()
        let outcome = AppealOutcome(rawValue: body.outcome.rawValue) ?? .affirmed
        let now = Date()
        let request = try await requests.decideAppeal(input.path.id, outcome: outcome, explanation: body.explanation, actor: actor, role: role, now: now)
        return .ok(.init(body: .json(try Self.requestDocument(request, now: now))))
    }

    func assessRecordsRequestFee(_ input: Operations.AssessRecordsRequestFee.Input) async throws -> Operations.AssessRecordsRequestFee.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (requests, role, actor) = try recordsRequests()
        let now = Date()
        let request = try await requests.assessFee(
            input.path.id, amountCents: body.amountCents, depositCents: body.depositCents ?? 0, basis: body.basis, actor: actor, role: role, now: now)
        return .ok(.init(body: .json(try Self.requestDocument(request, now: now))))
    }

    func recordRecordsRequestPayment(
        _ input: Operations.RecordRecordsRequestPayment.Input
    ) async throws -> Operations.RecordRecordsRequestPayment.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (requests, role, actor) = try recordsRequests()
        let now = Date()
        let request = try await requests.recordPayment(input.path.id, amountCents: body.amountCents, note: body.note, actor: actor, role: role, now: now)
        return .ok(.init(body: .json(try Self.requestDocument(request, now: now))))
    }
}
