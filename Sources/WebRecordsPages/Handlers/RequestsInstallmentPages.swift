import Access
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Requests
import WebFoundation

/// `POST /requests/{id}/installments` and `GET /requests/{id}/installments/{number}/bundle`:
/// produce the request's next installment from one of its searches, and download a bundle,
/// through the same calls as `POST /v1/requests/{id}/installments` and `GET
/// /v1/requests/{id}/installments/{number}/bundle` (``RequestInstallments``, the service's
/// ``ExportSettings``). A refused installment shows the domain's reason on the form (422) and
/// writes nothing; a download is recorded (`access.viewed`, record `installment:<request>-<n>`)
/// before a byte is sent.
extension WebApplication {
    /// The route a download is recorded under.
    static let installmentBundleRoute = "GET /requests/{id}/installments/{number}/bundle"

    func produceInstallment(_ page: PageRequest) async throws -> Response {
        let (requests, role, principal) = try recordsRequests(page)
        let id = try page.requiredParameter("id")
        // The request first: an unknown one is a 404 whatever the form says (as the API).
        try await requireRequest(id, requests, role)
        var form = RequestInstallmentForm(values: page.form.fields)
        if let search = form.search {
            let directory: URL
            do {
                directory = try settings.exports.preparedDirectory()
            } catch {
                throw PageError.unavailable("No installment can be written: \(error.description). Ask the service's operator to fix it.")
            }
            let order = InstallmentOrder(
                requestID: id, positions: [], search: search, directory: directory, agency: settings.exports.agency, contact: settings.exports.contact,
                summary: form.summaryText)
            do {
                let installment = try await RequestInstallments(store: store, ledger: settings.ledger, logName: settings.exports.logName).produce(
                    order, actor: principal.actor, role: role, now: Date())
                return PageRenderer.redirect(to: "/requests/\(id)?produced=\(installment.number)")
            } catch let error as RequestSearchError {
                form.errors["installment-search"] = Self.requestSentence(error.description)
            } catch InstallmentError.noMessages(_) {
                form.errors["installment-search"] = "This search found no message: choose a search with results. Nothing was written."
            } catch InstallmentError.unreviewedRedactions(let positions) {
                form.problem = RequestInstallmentForm.Problem(
                    text: "The message(s) at position(s) \(positions.prefix(10).map(String.init).joined(separator: ", ")) have redactions "
                        + "not approved yet. Review them, or choose a search without them. Nothing was written.",
                    link: (href: "/requests/\(id)/review", text: "Review the redactions"))
            } catch InstallmentError.destinationExists(_) {
                form.problem = RequestInstallmentForm.Problem(
                    text: "The export directory already holds a bundle of this name from an earlier run: ask the service's operator to remove it "
                        + "or restore the ledger it belongs to. Nothing was written.")
            } catch InstallmentError.noSigningKey {
                throw PageError.unavailable(
                    "No installment can be written: \(InstallmentError.noSigningKey.description). Ask the service's operator to fix it.")
            } catch InstallmentError.export(let error) {
                throw PageError.unavailable("No installment was written: \(Self.requestSentence(InstallmentError.export(error).description))")
            } catch let error as InstallmentError {
                form.problem = RequestInstallmentForm.Problem(text: Self.requestSentence(error.description))
            } catch let error as RecordsRequestError {
                form.problem = RequestInstallmentForm.Problem(text: Self.pageError(error).message)
            }
        } else {
            form.errors["installment-search"] = "Choose the search whose messages the installment releases."
        }
        if form.problem == nil { form.problem = RequestInstallmentForm.Problem(text: "No installment was produced: correct the field marked “Error” below.") }
        return try await requestPageResponse(page, notice: nil, search: RequestSearchForm(), installment: form, status: .unprocessableContent)
    }

    func downloadInstallment(_ page: PageRequest) async throws -> Response {
        let (_, role, principal) = try recordsRequests(page)
        let id = try page.requiredParameter("id")
        guard let number = Int(try page.requiredParameter("number")) else { throw PageError.notFound }
        let installment: Installment
        do {
            guard
                let found = try await RequestInstallments(store: store, ledger: settings.ledger, logName: settings.exports.logName).list(id, role: role)
                    .first(where: { $0.number == number })
            else { throw PageError.notFound }
            installment = found
        } catch InstallmentError.unknownRequest, InstallmentError.malformedID {
            throw PageError.notFound
        } catch let error as RecordsRequestError {
            throw Self.pageError(error)
        }
        let file: BundleFile
        do {
            file = try BundleFile(directory: settings.exports.directory, installment: installment)
        } catch {
            throw PageError(status: .gone, title: "Bundle missing", message: Self.requestSentence(error.description))
        }
        try await recordViewed(
            AccessRecord(action: .requestsManage, route: Self.installmentBundleRoute, records: ["installment:\(id)-\(installment.number)"]), by: principal)
        var headers = HTTPFields()
        headers[.contentType] = "application/zstd"
        headers[.contentDisposition] = "attachment; filename=\"\(installment.file)\""
        headers[.contentLength] = String(installment.bundleBytes)
        let body = ResponseBody(asyncSequence: BundleChunks(file: file))
        return Response(status: .ok, headers: headers, body: body)
    }
}

/// A bundle's pieces as buffers for a streamed response body.
struct BundleChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let file: BundleFile

    struct AsyncIterator: AsyncIteratorProtocol {
        let file: BundleFile
        mutating func next() async throws -> ByteBuffer? {
            try file.next().map { ByteBuffer(bytes: $0) }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(file: file) }
}

/// The installment form of a request's page: the search whose results are released, an
/// optional summary for the cover letter, and what was wrong.
struct RequestInstallmentForm {
    /// A message about the whole form, shown above it, with a link to where it is fixed.
    struct Problem {
        var text: String
        var link: (href: String, text: String)? = nil
    }

    var values: [String: String] = [:]
    var errors: [String: String] = [:]
    var problem: Problem?

    /// The search chosen; nil when none (or not a number).
    var search: Int? { values["installment-search"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    /// The summary, nil when empty.
    var summaryText: String? {
        values["installment-summary"].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    func context(action: String, searches: [RequestSearch]) -> [String: Any] {
        var context: [String: Any] = [
            "action": action,
            "searchChoice": RequestsField(
                id: "installment-search", label: "Messages released", value: values["installment-search"] ?? "",
                hint: "The results of this search become the installment; redactions approved on the review page are applied.",
                error: errors["installment-search"],
                options: searches.reversed().map { (String($0.number), "Search \($0.number): \($0.resultCount) messages") }
            ).context,
            "summaryField": RequestsField(
                id: "installment-summary", label: "Summary for the cover letter (optional)", value: values["installment-summary"] ?? "",
                hint: "What this installment holds, in words the requester understands.", required: false, rows: 3
            ).context,
        ]
        if let problem {
            var summary: [String: Any] = ["text": problem.text]
            if let link = problem.link { summary["link"] = ["href": link.href, "text": link.text] }
            context["summary"] = summary
        }
        return context
    }
}
