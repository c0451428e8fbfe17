/// Why a destruction certificate cannot be made. Nothing is written either way.
import Retention

public enum DestructionCertificateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No disposition list and no destruction authority of this name; `known` are the lists that
    /// exist (disposition lists and lists named by destruction authorities), sorted.
    case unknownList(String, known: [String])
    /// The entry at this position is not a `record.destroyed` authority of the ledger.
    case notAnAuthority(Int64)
    /// The list is a transfer list: its records go to the archives, they are not destroyed.
    case transferList(String)
    /// No record of the list has been destroyed yet; `status` is where the list stands.
    case notDestroyed(String, status: String)

    public var description: String {
        switch self {
        case .unknownList(let list, let known):
            known.isEmpty
                ? "no disposition list \(list) in this ledger, and no list exists yet: records are listed with `recordkeeper retention disposition run`"
                : "no disposition list \(list) in this ledger; the lists are: \(known.joined(separator: ", "))"
        case .notAnAuthority(let position):
            "the entry at position \(position) is not a record.destroyed authority of this ledger: `recordkeeper retention log` lists the authorities"
        case .transferList(let list):
            "list \(list) is a transfer list: its records go to the archives and are not destroyed, so it has no destruction certificate"
        case .notDestroyed(let list, let status):
            "nothing on list \(list) has been destroyed yet (it is \(status)): a certificate is printed once the list is destroyed"
        }
    }
}
