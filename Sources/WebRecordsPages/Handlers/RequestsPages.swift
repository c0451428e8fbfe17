import Access
import Deadlines
import Foundation
import Hummingbird
import Requests
import WebFoundation

/// `GET /requests`, `POST /requests`, `GET /requests/{id}`: the public-records officer's request
/// list, the form that opens a request and the request's page, through the same domain calls as
/// `GET /v1/requests`, `POST /v1/requests` and `GET /v1/requests/{id}` (``RecordsRequests``,
/// acting as ``RecordsRequests/role(of:)``; requests have no team scope).
extension WebApplication {
    /// The status filters offered, in order (nil: all).
    static let requestFilters: [(value: RequestStatus?, title: String)] =
        [(value: nil, title: "All")]
        + RequestStatus.allCases.map { status -> (value: RequestStatus?, title: String) in (value: status, title: RequestView.statusText(status)) }

    /// The agency's response clock, read once from `RECORDKEEPER_TIME_ZONE` and
    /// `RECORDKEEPER_HOLIDAYS_FILE`, as the API reads it.
    static let requestClock = Result { () throws(HolidayCalendarError) in
        try ResponseClock.fromEnvironment(ProcessInfo.processInfo.environment)
    }

    /// The requests of the service's ledger and the role the signed-in user acts as.
    func recordsRequests(_ page: PageRequest) throws -> (requests: RecordsRequests, role: StaffRole, principal: StaffPrincipal) {
        let principal = try page.staff()
        let clock: ResponseClock
        do {
            clock = try Self.requestClock.get()
        } catch {
            throw PageError.unavailable("The agency's response clock is not configured correctly (\(error)). Ask the service's operator to fix it.")
        }
        return (RecordsRequests(store: store, ledger: settings.ledger, clock: clock), RecordsRequests.role(of: principal), principal)
    }

    // MARK: List and open

    func requestList(_ page: PageRequest) async throws -> Response {
        try await requestListPage(page, form: [:], errors: [:], status: .ok)
    }

    /// Opens a request from the form; 303 to its page, or the list again with the form's errors (422).
    func openRequest(_ page: PageRequest) async throws -> Response {
        let (requests, role, principal) = try recordsRequests(page)
        var errors: [String: String] = [:]
        let text = page.form.trimmed("text")
        if text == nil { errors["text"] = "Enter the request's text as the requester wrote or said it." }
        let channel = page.form.trimmed("channel").flatMap(RequestChannel.init(rawValue:))
        if channel == nil { errors["channel"] = "Choose how the request arrived." }
        var receivedAt: Date?
        if let received = page.form.trimmed("received") {
            receivedAt = Self.localTime(received, in: requests.clock.timeZone)
            if receivedAt == nil { errors["received"] = "Enter the date and time as 2026-12-07 14:05, or leave it empty for now." }
        }
        if errors.isEmpty, let text, let channel {
            let new = NewRecordsRequest(
                channel: channel, text: text, requester: Requester(name: page.form.trimmed("requester-name"), contact: page.form.trimmed("requester-contact")),
                receivedAt: receivedAt)
            do {
                let opened = try await requests.open(new, actor: principal.actor, role: role, now: Date())
                return PageRenderer.redirect(to: "/requests/\(opened.id)?opened=1")
            } catch RecordsRequestError.missing {
                errors["text"] = "Enter the request's text as the requester wrote or said it."
            } catch RecordsRequestError.receivedInFuture {
                errors["received"] = "This time is in the future: enter when the request actually arrived."
            } catch let error as RecordsRequestError {
                throw Self.pageError(error)
            }
        }
        return try await requestListPage(page, form: page.form.fields, errors: errors, status: .unprocessableContent)
    }

    private func requestListPage(
        _ page: PageRequest, form: [String: String], errors: [String: String], status: HTTPResponse.Status
    ) async throws
        -> Response
    {
        let (requests, role, principal) = try recordsRequests(page)
        let filter = page.query("status")
        guard filter == nil || filter == "overdue" || Self.requestFilters.contains(where: { $0.value?.rawValue == filter }) else {
            throw PageError.badRequest("There is no request status “\(filter ?? "")”. Choose one of the filters on the requests page.")
        }
        let now = Date()
        let found: [RecordsRequest]
        do {
            found = try await requests.list(
                status: filter.flatMap(RequestStatus.init(rawValue:)), overdueAt: filter == "overdue" ? now : nil, role: role)
        } catch let error as RecordsRequestError {
            throw Self.pageError(error)
        }
        var filters = Self.requestFilters.map { item -> [String: Any] in
            ["title": item.title, "path": item.value.map { "/requests?status=\($0.rawValue)" } ?? "/requests", "current": item.value?.rawValue == filter]
        }
        filters.append(["title": "Overdue", "path": "/requests?status=overdue", "current": filter == "overdue"])
        let title = filter == "overdue" ? "Overdue" : Self.requestFilters.first(where: { $0.value?.rawValue == filter })?.title ?? "All"
        var context: [String: Any] = [
            "rows": found.reversed().map { RequestView(request: $0, now: now).row }, "empty": found.isEmpty, "filters": filters, "filterTitle": title,
            "csrf": page.frame.csrfToken,
        ]
        if WebPages.allows(principal, .staff(.requestsManage)) {
            context["open"] = RequestOpenForm(values: form, errors: errors, timeZone: requests.clock.timeZone).context
        }
        return renderer.page("requests-list", title: "Requests", frame: page.frame, status: status, context: context)
    }

    // MARK: One request

    func requestPage(_ page: PageRequest) async throws -> Response {
        let notice: String? =
            if page.query("opened") != nil {
                "The request was opened."
            } else if let number = page.query("searched") {
                "Search \(number) was run and logged; its results are on hold for the request."
            } else if let number = page.query("produced") {
                "Installment \(number) was produced and logged; its bundle can be downloaded below."
            } else {
                nil
            }
        return try await requestPageResponse(page, notice: notice, search: RequestSearchForm(), status: .ok)
    }

    /// The request's page: its facts, clock, timeline, searches and installments, and (for who may
    /// act) the search form with `search`'s values and errors.
    func requestPageResponse(
        _ page: PageRequest, notice: String?, search: RequestSearchForm, installment: RequestInstallmentForm = RequestInstallmentForm(),
        status: HTTPResponse.Status
    ) async throws -> Response {
        let (requests, role, principal) = try recordsRequests(page)
        let id = try page.requiredParameter("id")
        let shown: (request: RecordsRequest, history: [RequestHistoryItem])
        let searches: [RequestSearch]
        let installments: [Installment]
        do {
            shown = try await requests.show(id, role: role)
            searches = try await RequestSearches(store: store, ledger: settings.ledger).list(id, role: role)
            installments = try await RequestInstallments(store: store, ledger: settings.ledger, logName: "").list(id, role: role)
        } catch let error as RecordsRequestError {
            throw Self.pageError(error)
        } catch InstallmentError.unknownRequest, InstallmentError.malformedID {
            throw PageError.notFound
        }
        let view = RequestView(request: shown.request, now: Date())
        let mayManage = WebPages.allows(principal, .staff(.requestsManage))
        var context: [String: Any] = [
            "request": view.details, "history": shown.history.map(RequestView.historyRow), "noHistory": shown.history.isEmpty,
            "searches": searches.reversed().map(RequestView.searchRow), "noSearches": searches.isEmpty,
            "installments": installments.map { item in
                var row = RequestView.installmentRow(item)
                if mayManage { row["bundlePath"] = "/requests/\(id)/installments/\(item.number)/bundle" }
                return row
            }, "noInstallments": installments.isEmpty, "csrf": page.frame.csrfToken,
        ]
        if let notice { context["notice"] = ["text": notice] }
        if WebPages.allows(principal, .staff(.requestsManage)) {
            if !shown.request.status.isFinal { context["searchForm"] = search.context(action: "/requests/\(id)/searches") }
            if !searches.isEmpty { context["reviewPath"] = "/requests/\(id)/review" }
            if !shown.request.status.isFinal, !searches.isEmpty {
                context["installmentForm"] = installment.context(action: "/requests/\(id)/installments", searches: searches)
            }
        }
        return renderer.page("requests-show", title: "Request \(id)", frame: page.frame, status: status, context: context)
    }

    // MARK: Parts

    /// The page a refusal of the requests' domain becomes: 404 for an unknown or malformed id, as
    /// the API answers; the domain's own message otherwise.
    static func pageError(_ error: RecordsRequestError) -> PageError {
        switch error {
        case .unknownRequest, .malformedID: .notFound
        case .notAllowed: PageError(status: .forbidden, title: "Not allowed", message: "Your roles do not allow this: \(error.description).")
        case .busy, .numberingContention: .unavailable("Nothing was recorded: \(error.description).")
        default: PageError(status: .unprocessableContent, title: "Not done", message: "Nothing was recorded: \(error.description).")
        }
    }

    /// `2026-12-07 14:05` (or `2026-12-07T14:05`) in `zone`.
    static func localTime(_ text: String, in zone: TimeZone) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.date(from: text.replacingOccurrences(of: " ", with: "T"))
    }
}

/// The form that opens a request: channel, text, requester, time of receipt.
struct RequestOpenForm {
    var values: [String: String]
    var errors: [String: String]
    var timeZone: TimeZone

    var context: [String: Any] {
        var context: [String: Any] = [
            "channel": RequestsField(
                id: "channel", label: "How it arrived", value: values["channel"] ?? "", error: errors["channel"],
                options: RequestChannel.allCases.map { ($0.rawValue, PageText.words($0.rawValue).capitalized) }
            ).context,
            "textField": RequestsField(
                id: "text", label: "The request's text", value: values["text"] ?? "", hint: "Verbatim, as the requester wrote or said it.",
                error: errors["text"], rows: 5
            ).context,
            "fields": [
                FormField(
                    id: "requester-name", label: "Requester's name (optional)", value: values["requester-name"] ?? "", autocomplete: "off", required: false
                )
                .context,
                FormField(
                    id: "requester-contact", label: "How to reach the requester (optional)", value: values["requester-contact"] ?? "",
                    autocomplete: "off", hint: "An email address, a postal address or a phone number.", required: false
                ).context,
                FormField(
                    id: "received", label: "Received (optional)", value: values["received"] ?? "",
                    hint: "Date and time in \(timeZone.identifier), e.g. 2026-12-07 14:05. Leave empty for now.", error: errors["received"],
                    required: false
                ).context,
            ],
        ]
        if !errors.isEmpty { context["hasErrors"] = true }
        return context
    }
}
