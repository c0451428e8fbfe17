import Access
import Disposition
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Retention
import WebFoundation

/// `GET /retention/destructions` (the destruction log, as `GET /v1/retention/destructions`),
/// `GET /retention/destructions/{list}/certificate` (the certificate the API answers for
/// `Accept: text/html`, inside the layout), `GET /retention/queue` (records no rule filed, as
/// `GET /v1/retention/queue`) and `POST /retention/queue/filing` (filing one by hand, as
/// `POST /v1/retention/records/filing`).
extension WebApplication {
    func destructionLog(_ page: PageRequest) async throws -> Response {
        let entries = try await DestructionCertificates(store: store, ledger: settings.ledger).log()
        let rows = entries.reversed().map { entry -> [String: Any] in
            var row: [String: Any] = [
                "series": entry.series, "records": entry.records, "firstAt": RecordsText.time(entry.firstAt), "lastAt": RecordsText.time(entry.lastAt),
                "positions": entry.positions.map(String.init).joined(separator: ", "),
            ]
            if let list = entry.list {
                row["list"] = [
                    "id": list, "path": Self.listPath(list), "certificate": "/retention/destructions/\(PageGate.percentEncoded(list))/certificate",
                ]
            }
            return row
        }
        return renderer.page("records-destructions", title: "Destruction log", frame: page.frame, context: ["rows": rows, "empty": rows.isEmpty])
    }

    func destructionCertificate(_ page: PageRequest) async throws -> Response {
        let list = try page.requiredParameter("list")
        let certificate: DestructionCertificate
        do {
            certificate = try await DestructionCertificates(store: store, ledger: settings.ledger).certificate(list: list)
        } catch DestructionCertificateError.unknownList {
            throw PageError.notFound
        } catch let error as DestructionCertificateError {
            throw PageError(status: .conflict, title: "No certificate yet", message: Self.recordsSentence(error.description))
        }
        return renderer.page(
            "records-certificate", title: "Certificate of records destruction: list \(list)", frame: page.frame,
            context: ["certificate": Self.certificateBody(certificate.html()), "list": list])
    }

    /// What the certificate's own HTML page (``DestructionCertificate/html()``, made by
    /// `Disposition` with every value escaped) holds inside its `<main>`: shown inside the
    /// layout, under the pages' stylesheet (its own inline style is refused by the pages' policy;
    /// app.css's "Certificate (print)" block gives the page the standalone certificate's print look).
    static func certificateBody(_ html: String) -> String {
        guard let open = html.range(of: "<main>"), let close = html.range(of: "</main>", options: .backwards), open.upperBound <= close.lowerBound else {
            return ""
        }
        return String(html[open.upperBound..<close.lowerBound])
    }

    func filingQueue(_ page: PageRequest) async throws -> Response {
        let notice = page.query("filed").map { "Record \($0) is filed." }
        return try await queuePage(page, form: RecordsFilingForm(), notice: notice)
    }

    func fileRecord(_ page: PageRequest) async throws -> Response {
        let principal = try page.staff()
        var form = RecordsFilingForm(page.form)
        if let record = form.checked() {
            do {
                _ = try await RetentionFiling(store: store, ledger: settings.ledger).file(
                    record: record, series: form.series, reason: form.reason, actor: principal.actor)
                return PageRenderer.redirect(to: "/retention/queue?filed=\(PageGate.percentEncoded(record.description))")
            } catch let error as RetentionFilingError {
                form.refused(error)
            }
        }
        return try await queuePage(page, form: form, status: .unprocessableContent)
    }

    private func queuePage(_ page: PageRequest, form: RecordsFilingForm, notice: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let principal = try page.staff()
        let filing = RetentionFiling(store: store, ledger: settings.ledger)
        try await filing.catchUp()
        let records = try await filing.needsFiling(limit: settings.pageSize)
        let total = try await filing.needsFilingCount()
        var context: [String: Any] = [
            "records": records.map { summary -> [String: Any] in
                [
                    "record": summary.record.description, "kind": summary.kind, "messages": summary.messages, "firstAt": RecordsText.time(summary.firstAt),
                    "lastAt": RecordsText.time(summary.lastAt),
                ]
            },
            "total": total, "shown": records.count, "empty": records.isEmpty, "more": total > records.count, "csrf": page.frame.csrfToken,
        ]
        if WebPages.allows(principal, .staff(.retentionManage)) { context["form"] = form.context }
        if let notice { context["notice"] = ["text": notice] }
        return renderer.page("records-queue", title: "Records that need filing", frame: page.frame, status: status, context: context)
    }
}
