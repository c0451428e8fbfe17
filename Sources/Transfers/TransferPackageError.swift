public import Exports

/// Why a transfer package was not produced, or not accepted as the one handed over. When one is
/// thrown nothing was appended and no package file is left behind.
public enum TransferPackageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Only a records officer produces transfer packages.
    case notAllowed(role: String)
    /// No disposition list of this id in the ledger.
    case unknownList(String)
    /// The list is a destruction list.
    case destructionList(String)
    /// The list does not have the approvals it needs.
    case notApproved(list: String, approvals: Int, required: Int)
    /// The list was transferred already (at this position).
    case alreadyTransferred(list: String, position: Int64)
    /// Every record of the list was excluded or deferred.
    case nothingToTransfer(String)
    /// Records of the list whose content was destroyed already.
    case contentDestroyed(list: String, records: [String])
    /// A message's content cannot be released (its payload is destroyed, sealed or unreadable).
    case contentUnavailable(position: Int64, reason: String)
    /// The list's series is in no catalog loaded.
    case unknownSeries(String)
    /// The archives were not named.
    case missingArchives
    /// No checkpoint signing key exists.
    case noSigningKey
    /// The package file exists already.
    case destinationExists(String)
    /// The bundle writer refused (names the message or file).
    case export(ExportError)
    /// A package given to record the transfer does not verify, or is not this list's recorded package.
    case packageRejected(file: String, reason: String)

    public var description: String {
        switch self {
        case .notAllowed(let role):
            "the \(role) role may not produce transfer packages: a records officer does (--role records_officer); nothing was written"
        case .unknownList(let list): "no disposition list \(list) in this ledger: see `recordkeeper retention disposition list`; nothing was written"
        case .destructionList(let list):
            "list \(list) is a destruction list: only transfer lists (archival series) make a transfer package; nothing was written"
        case .notApproved(let list, let approvals, let required):
            "list \(list) is not approved: it has \(approvals) of the \(required) approval\(required == 1 ? "" : "s") it needs; a records officer approves it with `recordkeeper retention disposition approve \(list)`; nothing was written"
        case .alreadyTransferred(let list, let position):
            "list \(list) was transferred already (position \(position)): its records are with the archives; nothing was written"
        case .nothingToTransfer(let list):
            "every record of list \(list) was excluded or deferred: there is nothing to transfer; nothing was written"
        case .contentDestroyed(let list, let records):
            "the content of \(records.count) record(s) of list \(list) was destroyed already (\(records.prefix(5).joined(separator: ", "))\(records.count > 5 ? " …" : "")): they cannot be transferred; exclude them from the list with a reason (`recordkeeper retention disposition review \(list) --exclude …`); nothing was written"
        case .contentUnavailable(let position, let reason):
            "the message at position \(position) cannot be released: \(reason); nothing was written"
        case .unknownSeries(let series): "series \(series) is in no catalog loaded: see `recordkeeper retention catalog`; nothing was written"
        case .missingArchives: "name the archives the records go to: --archives \"Washington State Archives\""
        case .noSigningKey: "no checkpoint signing key exists: create one with `recordkeeper keys signing create`, then produce the package again"
        case .destinationExists(let path): "\(path) already exists: choose another --out directory or remove the file first; nothing was written"
        case .export(let error): error.description
        case .packageRejected(let file, let reason): "\(file) is not this list's transfer package: \(reason); nothing was recorded"
        }
    }
}
