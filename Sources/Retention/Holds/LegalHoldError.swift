/// A legal hold that cannot be placed or released, or holds that cannot be checked yet. Nothing
/// was recorded.
public enum LegalHoldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No scope member was given.
    case emptyScope
    /// A required text (`matter`, `custodian`, `reason`) is empty.
    case missing(String)
    /// A citizen that is neither a phone number nor a BSUID.
    case invalidCitizen(String)
    /// `from` is not before `to`.
    case emptyDateRange(from: String, to: String)
    /// A role name that is not of the form `records_officer`.
    case invalidRole(String)
    /// No hold of this id in the ledger.
    case unknownHold(String)
    /// The hold was already released (at this position).
    case alreadyReleased(String, position: Int64)
    /// The role may not release the hold: only the role that placed it, or a records officer.
    case releaseNotAllowed(String, placedBy: String, role: String)
    /// Another placement took the same id at the same time (place it again).
    case concurrentPlacement(String)
    /// Hold events are in the ledger that the `retention_holds` projection has not applied:
    /// catch it up (``LegalHolds/catchUp(store:ledger:on:)``) and ask again.
    case holdsNotProjected(latest: Int64, projected: Int64)

    public var description: String {
        switch self {
        case .emptyScope:
            "a hold needs a scope: give at least one of --citizen, --conversation, --business-number, --team, --from, --to (a hold on everything is not a hold)"
        case .missing(let field):
            "the hold's \(field) is empty: give --\(field) \"…\""
        case .invalidCitizen(let text):
            "\(text) is neither a phone number (+15551234567) nor a WhatsApp user id (US.1349…): give the citizen's number with its country code"
        case .emptyDateRange(let from, let to):
            "--from \(from) is not before --to \(to): give a date range that is not empty"
        case .invalidRole(let role):
            "\(role) is not a role name: give one of records_officer, request_officer, auditor, supervisor, agent, admin"
        case .unknownHold(let id):
            "no hold \(id) in this ledger: see `recordkeeper retention holds list --all`"
        case .alreadyReleased(let id, let position):
            "hold \(id) was already released (position \(position)): nothing to do"
        case .releaseNotAllowed(let id, let placedBy, let role):
            "hold \(id) was placed as \(placedBy): only \(placedBy) or records_officer may release it, not \(role)"
        case .concurrentPlacement(let id):
            "another hold took the id \(id) at the same moment: nothing was recorded; place the hold again"
        case .holdsNotProjected(let latest, let projected):
            "hold events up to position \(latest) are in the ledger but the holds are projected only to \(projected): catch up the retention_holds projection and check again"
        }
    }
}
