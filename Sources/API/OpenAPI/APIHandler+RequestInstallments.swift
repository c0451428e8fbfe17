import Access
import Foundation
import HTTPTypes
import OpenAPIRuntime
import Requests

// Installments over HTTP (docs/public-records.md, "Export bundles"; docs/api.md, "Requests"):
// `POST /v1/requests/{id}/installments` produces the next one into the service's export
// directory (``ExportSettings``), as `recordkeeper export` does; `GET` lists them; `GET
// …/installments/{n}/bundle` streams its bundle. Request officers and admins produce and
// download (`requests.manage`); auditors list (`requests.read`). The download is recorded as an
// access (`access.viewed`, record `installment:<request>-<n>`) before a byte is sent.
extension APIHandler {
    var installments: RequestInstallments { RequestInstallments(store: store, ledger: serviceLedger, logName: exports.logName) }

    /// The JSON of an installment (`Installment` in openapi.yaml).
    static func installmentJSON(_ installment: Installment) -> [String: Any] {
        [
            "request": installment.requestID, "installment": installment.number, "file": installment.file,
            "manifest_sha256": installment.manifestSHA256, "bundle_bytes": installment.bundleBytes, "messages": installment.messages,
            "released": installment.released, "redacted": installment.redacted, "withheld": installment.withheld,
            "checkpoint_size": installment.checkpointSize, "position": installment.position, "produced_at": RFC3339.format(installment.producedAt),
            "produced_by": installment.producedBy,
            "bundle": "/v1/requests/\(installment.requestID)/installments/\(installment.number)/bundle",
        ]
    }

    func listRecordsRequestInstallments(
        _ input: Operations.ListRecordsRequestInstallments.Input
    ) async throws -> Operations.ListRecordsRequestInstallments.Output {
        let (_, role, _) = try recordsRequests()
        let list = try await installments.list(input.path.id, role: role)
        return .ok(.init(body: .json(try RequestsDocument(["request": input.path.id, "installments": list.map(Self.installmentJSON)]))))
    }

    func produceRecordsRequestInstallment(
        _ input: Operations.ProduceRecordsRequestInstallment.Input
    ) async throws -> Operations.ProduceRecordsRequestInstallment.Output {
        let body =
            switch input.body {
            case .json(let json): json
            }
        let (requests, role, actor) = try recordsRequests()
        let id = input.path.id
        try await Self.requireRecordsRequest(id, in: requests, role: role)
        let directory = try exports.preparedDirectory()
        let order = InstallmentOrder(
            requestID: id, positions: (body.positions ?? []).map(Int64.init), search: body.search, directory: directory, agency: exports.agency,
            contact: exports.contact, summary: body.summary)
        do {
            let installment = try await installments.produce(order, actor: actor, role: role, now: Date())
            return .created(.init(body: .json(try RequestsDocument(Self.installmentJSON(installment)))))
        } catch let error as RequestSearchError {
            throw Self.problem(error)
        } catch InstallmentError.noMessages(_) {
            throw ProblemDetails(
                status: .badRequest, code: "no_messages", title: "No messages",
                detail: "no message was selected: give search (a search of the request with results) or positions; nothing was written")
        } catch InstallmentError.destinationExists(_) {
            throw ProblemDetails(
                status: .conflict, code: "installment_conflict", title: "Installment conflict",
                detail:
                    "the export directory already holds a bundle of this name from an earlier run: remove it or restore the ledger it belongs to; nothing was written"
            )
        } catch InstallmentError.unreviewedRedactions(let positions) {
            throw ProblemDetails(
                status: .conflict, code: "unreviewed_redactions", title: "Redactions not reviewed",
                detail: "the message(s) at position(s) \(positions.prefix(10).map(String.init).joined(separator: ", ")) have redactions not approved yet: "
                    + "review them (POST /v1/requests/\(id)/redactions/{number}/review) or leave those messages out; nothing was written",
                extensions: ["positions": positions.map(String.init).joined(separator: ",")])
        }
    }

    func downloadRecordsRequestInstallment(
        _ input: Operations.DownloadRecordsRequestInstallment.Input
    ) async throws -> Operations.DownloadRecordsRequestInstallment.Output {
        let (_, role, _) = try recordsRequests()
        let id = input.path.id
        guard let installment = try await installments.list(id, role: role).first(where: { $0.number == input.path.number }) else {
            throw ProblemDetails(
                status: .notFound, code: "unknown_installment", title: "No such installment",
                detail: "\(id) has no installment \(input.path.number): GET /v1/requests/\(id)/installments lists them")
        }
        let file = try BundleFile(directory: exports.directory, installment: installment)
        try await recordAccess(["installment:\(id)-\(installment.number)"], route: "GET /v1/requests/{id}/installments/{number}/bundle")
        let body = HTTPBody(
            AsyncThrowingStream(unfolding: { try file.next() }), length: .known(installment.bundleBytes), iterationBehavior: .single)
        return .ok(.init(headers: .init(contentDisposition: "attachment; filename=\"\(installment.file)\""), body: .applicationZstd(body)))
    }
}
