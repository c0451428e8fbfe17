import ExportSources
public import Exports

/// Why an installment was not produced. When one is thrown nothing was appended and no bundle
/// file is left behind.
public enum InstallmentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The role may not produce installments.
    case notAllowed(role: String)
    /// The request id is not `PRR-<year>-<n>`.
    case malformedID(String)
    /// No such request in the ledger.
    case unknownRequest(String)
    /// The request is closed, withdrawn or abandoned.
    case requestFinal(id: String, status: String)
    /// No message was selected.
    case noMessages(String)
    /// A selected position is not a message of a conversation.
    case notMessages(positions: [Int64])
    /// A message's content cannot be released or redacted (its payload is destroyed, sealed or unreadable).
    case contentUnavailable(position: Int64, reason: String)
    /// A redaction does not fit its message's text.
    case invalidRedaction(position: Int64, reason: String)
    /// A decision names a position that is not among the messages exported.
    case decisionOutsideExport(position: Int64)
    /// Messages with redactions not reviewed yet (applied and waiting, or returned).
    case unreviewedRedactions(positions: [Int64])
    /// Only `tar.zst` bundles are written.
    case unsupportedFormat(String)
    /// No checkpoint signing key exists.
    case noSigningKey
    /// The bundle file exists already.
    case destinationExists(String)
    /// Another installment of the request was recorded while this one was written.
    case concurrentInstallment(id: String)
    /// The bundle writer refused (names the message or file).
    case export(ExportError)

    public var description: String {
        switch self {
        case .notAllowed(let role):
            "the \(role) role may not produce installments: request officers and admins do (--role request_officer)"
        case .malformedID(let id): "\(id) is not a request id: give one such as PRR-2026-0042"
        case .unknownRequest(let id): "there is no request \(id): see `recordkeeper requests list`"
        case .requestFinal(let id, let status):
            "\(id) is \(status): no installment can be produced for a final request (only an appeal reversed on review reopens it); nothing was written"
        case .noMessages(let why): "\(why): nothing was written"
        case .notMessages(let positions):
            "position(s) \(positions.prefix(10).map(String.init).joined(separator: ", "))\(positions.count > 10 ? " …" : "") are not messages of a conversation (see the request's search results); nothing was written"
        case .contentUnavailable(let position, let reason):
            "the message at position \(position) cannot be released or redacted: \(reason); withhold it with an exemption or leave it out; nothing was written"
        case .invalidRedaction(let position, let reason):
            "a redaction of the message at position \(position) does not fit: \(reason); nothing was written"
        case .decisionOutsideExport(let position):
            "a redaction or withholding names position \(position), which is not among the messages exported; nothing was written"
        case .unreviewedRedactions(let positions):
            "the message(s) at position(s) \(positions.prefix(10).map(String.init).joined(separator: ", ")) have redactions not approved yet: review them (`recordkeeper requests review-redaction`) or leave those messages out; nothing was written"
        case .unsupportedFormat(let format): "--format \(format) is not written: give tar.zst (the only bundle format, docs/export-format.md)"
        case .noSigningKey: "no checkpoint signing key exists: create one with `recordkeeper keys signing create`, then export again"
        case .destinationExists(let path): "\(path) already exists: choose another --out directory or remove the file first; nothing was written"
        case .concurrentInstallment(let id):
            "another installment of \(id) was recorded while this one was written: export again (this bundle was removed)"
        case .export(let error): error.description
        }
    }
}

extension InstallmentError {
    /// Runs `body`, saying a bundle writer's or the export reader's refusal as an installment error.
    static func mapping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ExportError {
            throw InstallmentError.export(error)
        } catch let error as ExportSourceError {
            switch error {
            case .notMessages(let positions): throw InstallmentError.notMessages(positions: positions)
            case .contentUnavailable(let position, let reason): throw InstallmentError.contentUnavailable(position: position, reason: reason)
            case .invalidRedaction(let position, let reason): throw InstallmentError.invalidRedaction(position: position, reason: reason)
            case .noSigningKey: throw InstallmentError.noSigningKey
            }
        }
    }
}
